// Configure-time probe (cmake/KeelSanitizers.cmake): leaks one block on purpose. Where
// LeakSanitizer works, it reports the block and the process exits with its exit code; where it
// cannot run (it stops threads with ptrace, which some containers forbid), it says so instead.
#include <cstdlib>

int main()
{
    void* volatile leaked = std::malloc(4096);
    leaked = nullptr;
    return leaked == nullptr ? 0 : 1;
}
