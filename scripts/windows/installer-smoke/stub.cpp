// Stand-in for keel.exe / keel-manager.exe in the installer smoke test (see CMakeLists.txt):
// appends its command line to %ProgramData%\keel-installer-smoke.log, and for `config init PATH`
// writes a small file at PATH with the KEEL_DATA_DIR it was given, as the real command does.
#include <cstdlib>
#include <fstream>
#include <string>

int main(int argc, char** argv)
{
    const char* programData = std::getenv("ProgramData");
    std::ofstream log(std::string(programData ? programData : ".") + "\\keel-installer-smoke.log", std::ios::app);
    std::string line;
    for (int i = 0; i < argc; ++i)
        line += (i ? " " : "") + std::string(argv[i]);
    log << line << '\n';
    if (argc >= 4 && std::string(argv[1]) == "config" && std::string(argv[2]) == "init") {
        const char* dataDir = std::getenv("KEEL_DATA_DIR");
        std::ofstream(argv[3]) << "# stand-in config\ndatabase:\n  sqlite:\n    path: " << (dataDir ? dataDir : "?") << "\\db.sqlite\n";
    }
    return 0;
}
