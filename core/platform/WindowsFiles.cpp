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

// Entries that do not make a file "open to others": its owner, the account Keel runs as, and the
// accounts that can read every file anyway (SYSTEM, Administrators), plus CREATOR OWNER, which
// only stands for the owner of what is created inside.
bool trustedSid(PSID sid, PSID owner, PSID self)
{
    return (owner && EqualSid(sid, owner)) || (self && EqualSid(sid, self)) || IsWellKnownSid(sid, WinLocalSystemSid)
        || IsWellKnownSid(sid, WinBuiltinAdministratorsSid) || IsWellKnownSid(sid, WinCreatorOwnerSid);
}

} // namespace

bool accessibleByOthers(const QString& path)
{
    const std::wstring native = QFileInfo(path).absoluteFilePath().replace(QLatin1Char('/'), QLatin1Char('\\')).toStdWString();
    PSID owner = nullptr;
    PACL dacl = nullptr;
    PSECURITY_DESCRIPTOR sd = nullptr;
    if (GetNamedSecurityInfoW(native.c_str(), SE_FILE_OBJECT, OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
            &owner, nullptr, &dacl, nullptr, &sd) != ERROR_SUCCESS)
        return false;
    HANDLE token = nullptr;
    char userBuffer[256];
    DWORD size = 0;
    PSID self = nullptr;
    if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
        if (GetTokenInformation(token, TokenUser, userBuffer, sizeof userBuffer, &size))
            self = reinterpret_cast<TOKEN_USER*>(userBuffer)->User.Sid;
        CloseHandle(token);
    }
    // No DACL at all grants everyone everything.
    bool open = dacl == nullptr;
    constexpr ACCESS_MASK readOrWrite = FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | GENERIC_READ | GENERIC_WRITE
        | GENERIC_ALL | MAXIMUM_ALLOWED;
    for (DWORD i = 0; dacl && !open && i < dacl->AceCount; ++i) {
        void* ace = nullptr;
        if (!GetAce(dacl, i, &ace))
            continue;
        const auto* allowed = static_cast<const ACCESS_ALLOWED_ACE*>(ace);
        if (allowed->Header.AceType != ACCESS_ALLOWED_ACE_TYPE || (allowed->Header.AceFlags & INHERIT_ONLY_ACE)
            || !(allowed->Mask & readOrWrite))
            continue;
        open = !trustedSid(const_cast<DWORD*>(&allowed->SidStart), owner, self);
    }
    LocalFree(sd);
    return open;
}

QString ownerOnlyHint()
{
    return QStringLiteral("leave only your account, SYSTEM and Administrators in its permissions "
                          "(icacls FILE /inheritance:r /grant:r %USERNAME%:F)");
}

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
