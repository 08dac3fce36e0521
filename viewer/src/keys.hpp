#pragma once
// The viewer's shortcut keys, named once, and how a press is seen on either Dear ImGui.
// ImGui 1.87 and later take named keys (ImGuiKey_E ...) and queue every key event, so a short
// tap is seen in the frame after it. ImGui 1.86 (Debian 12) takes GLFW's int key codes and
// only knows which keys are down when a frame starts, so a press and release inside one frame
// (a 12 ms tap) is lost: there a GLFW key callback remembers every press until it is read.
#include <GLFW/glfw3.h>

#include <set>

namespace gmmlab::viewer {

enum class Key { a, b, c, e, g, h, l, m, p, q, r, s, left, right, space, escape };

// Call before ImGui_ImplGlfw_InitForOpenGL(window, true), which chains to the callback it finds.
void install_key_taps(GLFWwindow* window);

// The keys pressed since the last take_keys() (a held key's repeats are not presses).
class KeyPresses {
 public:
  bool operator()(Key k) const;

 private:
  friend KeyPresses take_keys();
  std::set<int> taps_;  // ImGui 1.86 only: GLFW key codes
};
// Call once a frame, also when the shortcuts are not used (a text field has the keyboard).
KeyPresses take_keys();

}  // namespace gmmlab::viewer
