// The corpus replay of the normal build: the fuzz target's LLVMFuzzerTestOneInput, run once on
// every file of the directories (and files) named on the command line, without libFuzzer. ctest
// runs it on tests/fuzz/corpus/<target>, so an input that once crashed stays fixed in every build
// (also the MCX_SANITIZE one, where the sanitizers watch it).
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

// Custom mutators call libFuzzer's mutator; they are never called here.
extern "C" size_t LLVMFuzzerMutate(uint8_t*, size_t size, size_t) { return size; }

namespace {

std::string g_current;  // the input running now

// A failed property aborts: say which input, and exit with a status (not a signal), as libFuzzer
// does, so that ctest reports it as a failed test naming the input.
void OnAbort(int) {
  static const char kMsg[] = "replay: aborted on input ";
  (void)!write(2, kMsg, sizeof kMsg - 1);
  (void)!write(2, g_current.data(), g_current.size());
  (void)!write(2, "\n", 1);
  _exit(77);
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::signal(SIGABRT, OnAbort);
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path p = argv[i];
    if (fs::is_directory(p)) {
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (fs::is_regular_file(p)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "replay: no inputs (usage: %s DIR_OR_FILE...)\n", argv[0]);
    return 2;
  }
  for (const auto& f : files) {
    g_current = f.string();
    std::ifstream in(f, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<uint8_t> data(bytes.begin(), bytes.end());
    // Like libFuzzer, hand the target a buffer of exactly the input's size.
    uint8_t* copy = new uint8_t[data.size() + (data.empty() ? 1 : 0)];
    std::copy(data.begin(), data.end(), copy);
    LLVMFuzzerTestOneInput(copy, data.size());
    delete[] copy;
  }
  std::printf("replay: %zu inputs ran\n", files.size());
  return 0;
}
