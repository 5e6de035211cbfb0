#pragma once

#include "config/Config.h"
#include "http/HttpResponse.h"
#include "state/Snapshot.h"
#include "store/PreAuthKey.h"
#include "store/Result.h"
#include "store/User.h"

#include <QJsonObject>

namespace keel::tsapi {

// The JSON shapes of Tailscale's API v2 (its published reference and its Go client,
// tailscale.com/client/tailscale): lowerCamelCase, ids as strings, RFC 3339 times.
namespace tsjson {

// Tailscale's error body: {"message": "..."} with the HTTP status.
http::HttpResponse error(int status, const QString& message);
http::HttpResponse error(const store::Error& error);
http::HttpResponse ok(const QJsonObject& body);
// 200 with an empty body (what Tailscale answers to deletes and most setters).
http::HttpResponse empty();

// A device (Tailscale's "Device"): addresses, id/nodeId (Keel's node id, which is also the
// StableID clients report), user (login name), name (FQDN), hostname, os, clientVersion, tags,
// created, lastSeen, expires, keyExpiryDisabled, authorized, machineKey, nodeKey,
// advertisedRoutes, enabledRoutes, connectedToControl, ...
QJsonObject device(const state::Snapshot& s, const state::LiveNode& live, const config::Config& config);
// A user's login name: the e-mail when known, else the name (Tailscale logs in by e-mail).
QString loginName(const store::User& user);
// An auth key (Tailscale's "Key", keyType "auth"); `secret` only in the create reply.
QJsonObject key(const store::PreAuthKey& key, const QString& secret = {});
// A user (Tailscale's "User"): id, displayName, loginName, profilePicUrl, tailnetId, created,
// type "member", role "member", status "active", deviceCount, lastSeen, currentlyConnected.
QJsonObject user(const state::Snapshot& s, const store::User& user, const QString& tailnet);
QString time(const QDateTime& t);

} // namespace tsjson
} // namespace keel::tsapi
