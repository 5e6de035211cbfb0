#include "SecretDialog.h"

#include "QrCode.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QPushButton>
#include <QVBoxLayout>

namespace keel::gui {

SecretDialog::SecretDialog(const QString& title, const QString& secret, const QString& command, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(title);
    setObjectName(QStringLiteral("secretDialog"));
    setAttribute(Qt::WA_DeleteOnClose);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);

    auto* warning = new QLabel(tr("<b>This is the only time the key is shown.</b> Copy it now: the server keeps only a hash of it."), this);
    warning->setWordWrap(true);

    auto* grid = new QGridLayout;
    const auto addLine = [&](int row, const QString& label, const QString& text, const QString& accessible) {
        auto* edit = new QLineEdit(text, this);
        edit->setReadOnly(true);
        edit->setFont(mono);
        edit->setAccessibleName(accessible);
        edit->setMinimumWidth(480);
        auto* copy = new QPushButton(tr("Copy"), this);
        copy->setAccessibleName(tr("Copy %1").arg(accessible));
        connect(copy, &QPushButton::clicked, this, [edit] { QApplication::clipboard()->setText(edit->text()); });
        auto* caption = new QLabel(label, this);
        caption->setBuddy(edit);
        grid->addWidget(caption, row, 0);
        grid->addWidget(edit, row, 1);
        grid->addWidget(copy, row, 2);
        return edit;
    };
    m_secret = addLine(0, tr("&Key:"), secret, tr("the key"));
    if (!command.isEmpty())
        m_command = addLine(1, tr("&Command:"), command, tr("the command line"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(warning);
    layout->addLayout(grid);
    if (!command.isEmpty()) {
        const QImage image = qrCodeImage(command, 4);
        if (!image.isNull()) {
            m_qr = new QLabel(this);
            m_qr->setPixmap(QPixmap::fromImage(image));
            m_qr->setAlignment(Qt::AlignCenter);
            m_qr->setAccessibleName(tr("QR code of the command line"));
            auto* hint = new QLabel(tr("Scan it on the device that should join (e.g. a phone with the Tailscale app: it shows the login server and key)."), this);
            hint->setWordWrap(true);
            layout->addWidget(m_qr);
            layout->addWidget(hint);
        }
    }
    auto* box = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(box);
}

SecretDialog::~SecretDialog()
{
    // The secret leaves memory with the dialog; overwrite the widgets' copies first.
    m_secret->setText(QString(m_secret->text().size(), QLatin1Char('x')));
    if (m_command)
        m_command->clear();
}

QString SecretDialog::secret() const
{
    return m_secret->text();
}

QString SecretDialog::command() const
{
    return m_command ? m_command->text() : QString();
}

bool SecretDialog::hasQrCode() const
{
    return m_qr != nullptr;
}

} // namespace keel::gui
