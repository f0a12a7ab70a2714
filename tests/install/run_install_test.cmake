# Installs the build tree into a scratch prefix, builds tests/install/consumer against it with
# find_package(synthtab), runs it, and runs the installed CLI. Fails on the first step that does.
#   cmake -DBUILD_DIR=... -DCONSUMER_DIR=... -DWORK_DIR=... [-DWITH_TORCH=ON] -P run_install_test.cmake
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${what} failed (${status}):\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

function(expect text what)
  string(FIND "${output}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${what}: expected '${text}' in:\n${output}")
  endif()
endfunction()

run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(file include/synthtab/engine/synthesis.hpp lib/cmake/synthtab/synthtabConfig.cmake bin/synthtab)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "the install has no ${file}")
  endif()
endforeach()
if(EXISTS ${prefix}/include/synthtab/cli)
  message(FATAL_ERROR "the CLI's headers were installed as if they were the library's")
endif()

run("configuring the consumer" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build -G Ninja
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix})
run("building the consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run("running the consumer" ${WORK_DIR}/build/consumer)
expect("spend,revenue\n" "the consumer's rows")
string(REGEX MATCHALL "\n[0-9.]+,[0-9.]+" rows "${output}")
list(LENGTH rows count)
if(NOT count EQUAL 5)
  message(FATAL_ERROR "the consumer printed ${count} rows, expected 5:\n${output}")
endif()
if(WITH_TORCH)
  expect("plugin: loaded" "the plugin beside the installed library")
endif()

# The installed CLI runs from its own tree (RPATH), the plugin's models listed beside the rest.
run("the installed CLI" ${prefix}/bin/synthtab models)
expect("marginals" "synthtab models")
if(WITH_TORCH)
  expect("wgan" "synthtab models")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
