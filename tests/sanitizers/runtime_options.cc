// Defaults of the sanitizer runtimes for every executable of ours in an MCX_SANITIZE build
// (linked in by the top-level CMakeLists.txt only then). The runtimes read these before the
// environment, so ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS still override any of them.

#ifndef MCX_SANITIZER_DIR
#error "MCX_SANITIZER_DIR (tests/sanitizers) is set by the top-level CMakeLists.txt"
#endif

extern "C" {

// ASan, with LeakSanitizer at exit and the initialization-order check.
__attribute__((visibility("default"), used)) const char* __asan_default_options() {
  return "detect_leaks=1:check_initialization_order=1:strict_init_order=1";
}

// LeakSanitizer: third-party leaks only, each with its reason, in lsan.supp.
__attribute__((visibility("default"), used)) const char* __lsan_default_options() {
  return "suppressions=" MCX_SANITIZER_DIR "/lsan.supp";
}

// UBSan: every finding is fatal (-fno-sanitize-recover=undefined), with the stack it came from.
// No runtime suppressions: a fatal check aborts even when suppressed. Debian's ns-3 libraries are
// not instrumented; a finding in a third-party header compiled into our code would be excluded at
// compile time (-fsanitize-ignorelist=, src:/usr/include/...), with its reason.
__attribute__((visibility("default"), used)) const char* __ubsan_default_options() {
  return "print_stacktrace=1:halt_on_error=1";
}

}  // extern "C"
