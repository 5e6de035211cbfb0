#pragma once

#include "config/Config.h"
#include "config/DiagnosticSink.h"
#include "config/RawSettings.h"

#include <QJsonArray>
#include <QProcessEnvironment>

namespace keel::config {

// Turns RawSettings into a typed Config: converts each value (reporting type errors with the key
// and its position), resolves relative paths against the config file's directory and fills every
// absent key from Keel's embedded default (Config::embeddedDefault: loopback addresses, the
// database, keys and admin socket under data_dir), with or without a file.
class ConfigBuilder
{
public:
    struct Options
    {
        bool fromFile = false;         // a file was read (prefixes: giving one family drops the other)
        QString baseDir;               // relative paths resolve against it
        QString defaultDataDir;
        QProcessEnvironment env;       // for ${VAR} in oidc.client_secret_path
    };

    ConfigBuilder(const RawSettings& raw, DiagnosticSink& sink, Options options);

    Config build();

private:
    void readServer(Config& c, const Config& base);
    void readPrefixes(Config& c, const Config& base);
    void readDatabase(Config& c);
    void readDns(Config& c);
    void readDerp(Config& c);
    void readDerpMesh(Config& c);
    void readNodeAndTimers(Config& c);
    void readTls(Config& c);
    void readOidc(Config& c);
    void readMisc(Config& c);

    // Each reader leaves `out` alone when the key is absent or its value is invalid (then an
    // error is reported), so every problem in the file is found in one pass.
    bool readString(const QString& key, QString& out);
    bool readPath(const QString& key, QString& out);
    bool readBool(const QString& key, bool& out);
    bool readInt(const QString& key, int& out);
    bool readDuration(const QString& key, qint64& outMs);
    bool readList(const QString& key, QStringList& out);
    bool readPathList(const QString& key, QStringList& out);
    bool readStringMap(const QString& key, QMap<QString, QString>& out);
    bool readListMap(const QString& key, QMap<QString, QStringList>& out);
    bool readRecords(const QString& key, QJsonArray& out);

    QString resolvePath(const QString& path) const;
    QString expandEnv(const QString& text) const;

    const RawSettings& m_raw;
    DiagnosticSink& m_sink;
    Options m_options;
};

} // namespace keel::config
