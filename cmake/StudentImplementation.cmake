# The student implementation: the lab's three exercises, compiled from a folder.
#
# A folder holds exactly what a student sees and edits: student.hpp and the exercise sources
# (zscore.cpp, e_step.cpp, m_step.cpp, plus any .cpp a student adds). The same function
# compiles the skeleton (student/), the instructor's solution (instructor/solution/) or a
# submission's files, so grading and the tools never depend on where the files came from.

# The files every folder must have; checked at configure time so that a submission missing
# one fails with a sentence naming it, not with a link error.
set(GMMLAB_STUDENT_FILES student.hpp zscore.cpp e_step.cpp m_step.cpp)

# gmmlab_add_student_library(TARGET DIR [WERROR])
#   Builds the static library TARGET from DIR/*.cpp, with DIR as its public include folder
#   (so users write #include "student.hpp"). WERROR turns warnings into errors: used for the
#   skeleton and the solution, which must build clean, not for a student's own work in
#   progress, where a warning should be read, not block the build.
#   The libraries of two folders define the same class gmmlab::StudentSteps: link at most one
#   of them into any executable.
function(gmmlab_add_student_library target dir)
  cmake_parse_arguments(S "WERROR" "" "" ${ARGN})
  get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${PROJECT_SOURCE_DIR}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "student folder '${dir}' does not exist; set GMMLAB_STUDENT_DIR to the folder holding "
                        "student.hpp, zscore.cpp, e_step.cpp and m_step.cpp")
  endif()
  foreach(file IN LISTS GMMLAB_STUDENT_FILES)
    if(NOT EXISTS "${dir}/${file}")
      message(FATAL_ERROR "student folder '${dir}' has no ${file}; copy it from the lab's student/ folder")
    endif()
  endforeach()
  # CONFIGURE_DEPENDS: a helper file a student adds is picked up by the next build.
  file(GLOB sources CONFIGURE_DEPENDS "${dir}/*.cpp")
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} PUBLIC "${dir}")
  target_link_libraries(${target} PUBLIC gmmlab::core PRIVATE gmmlab_warnings)
  if(S_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# gmmlab::student, what `--impl student` runs: the folder GMMLAB_STUDENT_DIR names.
gmmlab_add_student_library(gmmlab_student "${GMMLAB_STUDENT_DIR}")
add_library(gmmlab::student ALIAS gmmlab_student)

