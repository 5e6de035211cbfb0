// Windows: owner-only files through an explicit ACL. (Compiled only for Windows.)
#include "platform/Files.h"

#include <QFile>
#include <QFileInfo>

#include <windows.h>
#include <aclapi.h>

namespace keel::platform {

namespace {

// Replaces the DACL of `path` with one entry: full control for the file's owner (normally the
// account Keel runs as), with the inherited entries (Users, Everyone...) cut off.
bool ownerOnlyAcl(const QString& path)
{
    const std::wstring native = QFileInfo(path).absoluteFilePath().replace(QLatin1Char('/'), QLatin1Char('\\')).toStdWString();
    HANDLE token = nullptr;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return false;
    char userBuffer[256];
    DWORD size = 0;
    const bool haveUser = GetTokenInformation(token, TokenUser, userBuffer, sizeof userBuffer, &size);
    CloseHandle(token);
    if (!haveUser)
        return false;
    PSID owner = reinterpret_cast<TOKEN_USER*>(userBuffer)->User.Sid;

    EXPLICIT_ACCESSW access{};
    access.grfAccessPermissions = GENERIC_ALL;
    access.grfAccessMode = SET_ACCESS;
    access.grfInheritance = SUB_CONTAINERS_AND_OBJECTS_INHERIT;
    access.Trustee.TrusteeForm = TRUSTEE_IS_SID;
    access.Trustee.TrusteeType = TRUSTEE_IS_USER;
    access.Trustee.ptstrName = static_cast<LPWSTR>(owner);
    PACL acl = nullptr;
    if (SetEntriesInAclW(1, &access, nullptr, &acl) != ERROR_SUCCESS)
        return false;
    const DWORD result = SetNamedSecurityInfoW(const_cast<LPWSTR>(native.c_str()), SE_FILE_OBJECT,
        DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, nullptr, nullptr, acl, nullptr);
    LocalFree(acl);
    return result == ERROR_SUCCESS;
}

} // namespace

bool createOwnerOnlyFile(const QString& path)
{
    QFile file(path);
    // Qt gives a file opened with explicit permissions a matching ACL from the start; the explicit
    // owner-only ACL below then also cuts what the folder would pass on.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return QFile::exists(path);
    file.close();
    return ownerOnlyAcl(path);
}

bool restrictToOwner(const QString& path)
{
    return QFileInfo::exists(path) && ownerOnlyAcl(path);
}

} // namespace keel::platform
