#include "keys.hpp"

#include <imgui.h>

namespace gmmlab::viewer {

#if IMGUI_VERSION_NUM >= 18700

namespace {
ImGuiKey code(Key k) {
  switch (k) {
    case Key::a: return ImGuiKey_A;
    case Key::b: return ImGuiKey_B;
    case Key::c: return ImGuiKey_C;
    case Key::e: return ImGuiKey_E;
    case Key::g: return ImGuiKey_G;
    case Key::h: return ImGuiKey_H;
    case Key::l: return ImGuiKey_L;
    case Key::m: return ImGuiKey_M;
    case Key::p: return ImGuiKey_P;
    case Key::q: return ImGuiKey_Q;
    case Key::r: return ImGuiKey_R;
    case Key::s: return ImGuiKey_S;
    case Key::left: return ImGuiKey_LeftArrow;
    case Key::right: return ImGuiKey_RightArrow;
    case Key::space: return ImGuiKey_Space;
    case Key::escape: return ImGuiKey_Escape;
  }
  return ImGuiKey_None;
}
}  // namespace

void install_key_taps(GLFWwindow*) {}  // ImGui's own input queue keeps short taps
KeyPresses take_keys() { return {}; }
bool KeyPresses::operator()(Key k) const { return ImGui::IsKeyPressed(code(k), false); }

#else

namespace {
int code(Key k) {
  switch (k) {
    case Key::a: return GLFW_KEY_A;
    case Key::b: return GLFW_KEY_B;
    case Key::c: return GLFW_KEY_C;
    case Key::e: return GLFW_KEY_E;
    case Key::g: return GLFW_KEY_G;
    case Key::h: return GLFW_KEY_H;
    case Key::l: return GLFW_KEY_L;
    case Key::m: return GLFW_KEY_M;
    case Key::p: return GLFW_KEY_P;
    case Key::q: return GLFW_KEY_Q;
    case Key::r: return GLFW_KEY_R;
    case Key::s: return GLFW_KEY_S;
    case Key::left: return GLFW_KEY_LEFT;
    case Key::right: return GLFW_KEY_RIGHT;
    case Key::space: return GLFW_KEY_SPACE;
    case Key::escape: return GLFW_KEY_ESCAPE;
  }
  return GLFW_KEY_UNKNOWN;
}
// GLFW calls back on the UI thread (inside glfwPollEvents), so no lock.
std::set<int> g_taps;
}  // namespace

void install_key_taps(GLFWwindow* window) {
  glfwSetKeyCallback(window, [](GLFWwindow*, int key, int, int action, int) {
    if (action == GLFW_PRESS) g_taps.insert(key);
  });
}
KeyPresses take_keys() {
  KeyPresses p;
  p.taps_.swap(g_taps);
  return p;
}
bool KeyPresses::operator()(Key k) const { return taps_.count(code(k)) > 0; }

#endif

}  // namespace gmmlab::viewer
