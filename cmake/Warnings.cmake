# ov_warnings(target): the project's warning set, as errors, on gcc and clang.
function(ov_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wformat=2 -Wno-unused-parameter -Wvla)
endfunction()
