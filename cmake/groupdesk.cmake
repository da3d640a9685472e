# Shared build settings: dependencies (all Debian packages), warnings, sanitizers, test helper.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(spdlog REQUIRED)
find_package(tinyxml2 REQUIRED)
find_package(SQLiteCpp REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(CURL REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# Abseil (Debian's libabsl-dev): time zones (keywords/local_time.cpp) and the flat hash map of
# the keyword flood guard (handlers/details/flood_guard.cpp).
find_package(absl REQUIRED CONFIG)

if(GROUPDESK_SANITIZE OR GROUPDESK_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(GROUPDESK_TIDY)
  set(CMAKE_CXX_CLANG_TIDY clang-tidy)
endif()

# Our own targets get strict warnings; third-party headers come in as SYSTEM through imported targets.
function(groupdesk_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  # GCC 12 at -O3 reports impossible overlaps in `"text" + std::string` (GCC bug 105329, a false
  # -Wrestrict inside libstdc++); Debian 12's compiler has it, so the check is off for GCC.
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
endfunction()

# groupdesk_library(name SOURCES ... LIBS ...): a static library of one module.
function(groupdesk_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_LIBS})
  groupdesk_warnings(${name})
endfunction()

# groupdesk_test(name SOURCES ... LIBS ...): one GoogleTest binary registered with ctest.
function(groupdesk_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    GROUPDESK_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    GROUPDESK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  groupdesk_warnings(${name})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endfunction()
