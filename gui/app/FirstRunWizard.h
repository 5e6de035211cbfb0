#pragma once

#include <QWizard>

class QCheckBox;
class QLineEdit;

namespace keel::gui {

// The first run in "this computer" mode: asks only what it must and writes a normal config.yaml
// that `keel serve` could use as well (at ~/.keel/config.yaml, where the daemon looks too).
class FirstRunWizard : public QWizard
{
    Q_OBJECT

public:
    struct Answers
    {
        QString serverUrl = QStringLiteral("http://127.0.0.1:8080");
        QString listenAddr = QStringLiteral("0.0.0.0:8080");
        QString dataDir;
        QString tlsCert, tlsKey;
        bool embeddedDerp = false;
        QString firstUser;
        bool createKey = true;
    };

    explicit FirstRunWizard(const QString& configPath, QWidget* parent = nullptr);

    Answers answers() const;
    QString configPath() const { return m_configPath; }
    // The config.yaml for these answers (policy in the database, so the editor can change it).
    static QByteArray configYaml(const Answers& answers);
    // Writes it, creating the folder; false with a sentence in *error.
    static bool writeConfig(const QString& path, const Answers& answers, QString* error);

private:
    bool validateCurrentPage() override;

    QString m_configPath;
    QLineEdit* m_url;
    QLineEdit* m_listen;
    QLineEdit* m_dataDir;
    QLineEdit* m_cert;
    QLineEdit* m_key;
    QCheckBox* m_derp;
    QLineEdit* m_user;
    QCheckBox* m_createKey;
};

} // namespace keel::gui
