// Runs a libFuzzer target's entry point over its kept corpus, without libFuzzer: this is how every
// fuzz target takes part in the normal test suite (ctest -L fuzz). Arguments are files or folders
// of inputs; the empty input and a fixed set of pseudo-random inputs always run too, so a target
// without a corpus yet is still exercised. A crash or sanitizer report fails the test.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int run(const std::vector<std::uint8_t>& input)
{
    // A copy of exactly `size` bytes, so reading past the end is caught by ASan where it runs.
    std::vector<std::uint8_t> copy(input);
    return LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
}

std::vector<std::uint8_t> readFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::filesystem::path> files;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path p(argv[i]);
        if (std::filesystem::is_directory(p)) {
            for (const auto& entry : std::filesystem::recursive_directory_iterator(p))
                if (entry.is_regular_file())
                    files.push_back(entry.path());
        } else if (std::filesystem::is_regular_file(p)) {
            files.push_back(p);
        } else {
            std::fprintf(stderr, "no such corpus: %s\n", argv[i]);
            return 2;
        }
    }
    std::sort(files.begin(), files.end());
    run({});
    for (const auto& f : files)
        run(readFile(f));
    // Fixed pseudo-random inputs (xorshift), the same on every run.
    std::uint32_t state = 0x9e3779b9u;
    for (int i = 0; i < 64; ++i) {
        std::vector<std::uint8_t> input(std::size_t(1 + (i * 37) % 700));
        for (auto& b : input) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            b = std::uint8_t(state);
        }
        run(input);
    }
    std::printf("replayed %zu corpus files and 65 fixed inputs\n", files.size());
    return 0;
}
