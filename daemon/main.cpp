#include "KeelVersion.h"

#include <QCoreApplication>
#include <cstdio>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    std::printf("keel %s\n", KEEL_VERSION);
    return 0;
}
