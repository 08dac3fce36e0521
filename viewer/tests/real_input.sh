#!/usr/bin/env bash
# End-to-end with real input: starts gmmlab-viewer on the X display this runs in (xvfb-run
# gives one), clicks its Step button with xdotool, presses the E-step shortcut, checks after
# each that what the window shows changed (the state file the viewer keeps), then quits with
# Ctrl+Q and checks the exit code. Usage: real_input.sh VIEWER WORK_DIR
set -euo pipefail
viewer=$1
work=$2
state=$work/state.json
rm -f "$state"

"$viewer" --state-file "$state" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT

# Waits until the state file says the first lane shows $1 (e.g. "M-step 1"), up to 60 s.
wait_for() {
  for _ in $(seq 600); do
    if [ -f "$state" ] && grep -q "\"shown\": \"$1\"" "$state"; then return 0; fi
    sleep 0.1
  done
  echo "real_input: the window never showed '$1'; state file:" >&2
  cat "$state" >&2 || true
  return 1
}

# Waits until the state file's settings say $1 (pending or running_k) is $2, up to 60 s.
wait_for_setting() {
  for _ in $(seq 600); do
    if [ -f "$state" ] && python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["settings"]
v = s["pending"] if sys.argv[2] == "pending" else str(s["running"]["k"])
sys.exit(0 if v == sys.argv[3] else 1)' "$state" "$1" "$2" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "real_input: the settings never had $1 = '$2'; state file:" >&2
  cat "$state" >&2 || true
  return 1
}

wait_for "k-means start"
# Where the Step button is drawn, from the state file: its centre in window pixels. With no
# window manager the window sits at (0, 0) of the screen.
read -r x y < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["rects"]["step_button"]
print(int((r[0] + r[2]) / 2), int((r[1] + r[3]) / 2))' "$state")
xdotool mousemove "$x" "$y" click 1
wait_for "M-step 1"

# A short tap (12 ms, shorter than a frame): Dear ImGui 1.86 alone would lose a press and
# release inside one frame; the viewer's key callback keeps it (viewer/src/keys.hpp).
xdotool keydown e
sleep 0.012
xdotool keyup e
wait_for "E-step 2"
# Step from an E-step ends its iteration: M-step 2, not E-step 3.
xdotool keydown s
sleep 0.012
xdotool keyup s
wait_for "M-step 2"

# K's "+" then R: R starts again with the K chosen (it used to put K back and restart the old).
read -r x y < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["rects"]["k_plus"]
print(int((r[0] + r[2]) / 2), int((r[1] + r[3]) / 2))' "$state")
xdotool mousemove "$x" "$y" click 1
wait_for_setting pending "K 4 (now 3)"
xdotool keydown r
sleep 0.012
xdotool keyup r
wait_for_setting running_k 4
wait_for "k-means start"
wait_for_setting pending ""

xdotool keydown ctrl keydown q
sleep 0.2
xdotool keyup q keyup ctrl
for _ in $(seq 100); do
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
wait $pid
echo "real_input: Step clicked (M-step 1), E tapped (E-step 2), S tapped (M-step 2), K + clicked and R tapped (K 4 runs), Ctrl+Q quit"
