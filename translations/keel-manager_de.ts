<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>keel::gui::ApiCall</name>
    <message>
        <source>the server did not answer in time</source>
        <translation>der Server hat nicht rechtzeitig geantwortet</translation>
    </message>
    <message>
        <source>permission denied on %1: the user running Keel Manager must be in the socket&apos;s group</source>
        <translation>Zugriff auf %1 verweigert: der Benutzer, der Keel Manager ausführt, muss in der Gruppe des Sockets sein</translation>
    </message>
    <message>
        <source>cannot reach the Keel server at %1 (%2)</source>
        <translation>der Keel-Server unter %1 ist nicht erreichbar (%2)</translation>
    </message>
    <message>
        <source>cannot reach %1 (%2)</source>
        <translation>%1 ist nicht erreichbar (%2)</translation>
    </message>
    <message>
        <source>the TLS certificate of %1 is not trusted: %2</source>
        <translation>dem TLS-Zertifikat von %1 wird nicht vertraut: %2</translation>
    </message>
</context>
<context>
    <name>keel::gui::ApiKeyModel</name>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Prefix</source>
        <translation>Präfix</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt benutzt</translation>
    </message>
</context>
<context>
    <name>keel::gui::AuditModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Akteur</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>keel::gui::ConnectDialog</name>
    <message>
        <source>Choose a Keel server</source>
        <translation>Keel-Server wählen</translation>
    </message>
    <message>
        <source>&amp;This computer: Keel Manager runs the server (it keeps running in the tray)</source>
        <translation>&amp;Dieser Computer: Keel Manager betreibt den Server (er läuft im Infobereich weiter)</translation>
    </message>
    <message>
        <source>A Keel &amp;daemon on this machine (keel serve)</source>
        <translation>Ein Keel-&amp;Dienst auf diesem Rechner (keel serve)</translation>
    </message>
    <message>
        <source>A &amp;remote Keel server</source>
        <translation>Ein &amp;entfernter Keel-Server</translation>
    </message>
    <message>
        <source>Unix socket of the daemon</source>
        <translation>Unix-Socket des Dienstes</translation>
    </message>
    <message>
        <source>Server URL</source>
        <translation>Server-URL</translation>
    </message>
    <message>
        <source>from `keel apikeys create` (kept in the system keychain)</source>
        <translation>von `keel apikeys create` (wird im Schlüsselbund des Systems gespeichert)</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Accept a self-signed certificate</source>
        <translation>Selbstsigniertes Zertifikat akzeptieren</translation>
    </message>
    <message>
        <source>&amp;Socket:</source>
        <translation>&amp;Socket:</translation>
    </message>
    <message>
        <source>&amp;URL:</source>
        <translation>&amp;URL:</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API-&amp;Schlüssel:</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Enter the path of the daemon&apos;s unix socket (unix_socket in its config.yaml).</source>
        <translation>Geben Sie den Pfad des Unix-Sockets des Dienstes ein (unix_socket in seiner config.yaml).</translation>
    </message>
    <message>
        <source>Enter the server&apos;s URL, such as https://keel.example.com.</source>
        <translation>Geben Sie die URL des Servers ein, etwa https://keel.example.com.</translation>
    </message>
</context>
<context>
    <name>keel::gui::ConnectionChoice</name>
    <message>
        <source>Server on this computer</source>
        <translation>Server auf diesem Computer</translation>
    </message>
    <message>
        <source>Keel daemon at %1</source>
        <translation>Keel-Dienst unter %1</translation>
    </message>
</context>
<context>
    <name>keel::gui::Controller</name>
    <message>
        <source>User %1 created</source>
        <translation>Benutzer %1 angelegt</translation>
    </message>
    <message>
        <source>User renamed to %1</source>
        <translation>Benutzer umbenannt in %1</translation>
    </message>
    <message>
        <source>User deleted</source>
        <translation>Benutzer gelöscht</translation>
    </message>
    <message>
        <source>Pre-auth key created</source>
        <translation>Pre-Auth-Schlüssel erstellt</translation>
    </message>
    <message>
        <source>Pre-auth key expired</source>
        <translation>Pre-Auth-Schlüssel abgelaufen</translation>
    </message>
    <message>
        <source>API key created</source>
        <translation>API-Schlüssel erstellt</translation>
    </message>
    <message>
        <source>API key expired</source>
        <translation>API-Schlüssel abgelaufen</translation>
    </message>
    <message>
        <source>Node renamed to %1</source>
        <translation>Knoten umbenannt in %1</translation>
    </message>
    <message>
        <source>Tags changed</source>
        <translation>Tags geändert</translation>
    </message>
    <message>
        <source>Approved routes changed</source>
        <translation>Freigegebene Routen geändert</translation>
    </message>
    <message>
        <source>Node key expired: the device must log in again</source>
        <translation>Knotenschlüssel abgelaufen: das Gerät muss sich neu anmelden</translation>
    </message>
    <message>
        <source>Node moved</source>
        <translation>Knoten verschoben</translation>
    </message>
    <message>
        <source>Node deleted</source>
        <translation>Knoten gelöscht</translation>
    </message>
    <message>
        <source>Device authorized</source>
        <translation>Gerät autorisiert</translation>
    </message>
    <message>
        <source>Registration approved for %1</source>
        <translation>Registrierung für %1 genehmigt</translation>
    </message>
    <message>
        <source>Registration rejected</source>
        <translation>Registrierung abgelehnt</translation>
    </message>
    <message>
        <source>Policy saved</source>
        <translation>Richtlinie gespeichert</translation>
    </message>
    <message>
        <source>Policy %1 is in force again</source>
        <translation>Richtlinie %1 ist wieder in Kraft</translation>
    </message>
</context>
<context>
    <name>keel::gui::DashboardPage</name>
    <message>
        <source>Nodes online</source>
        <translation>Knoten online</translation>
    </message>
    <message>
        <source>Waiting for approval</source>
        <translation>Warten auf Genehmigung</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Clients older than 1.70</source>
        <translation>Clients älter als 1.70</translation>
    </message>
    <message>
        <source>Relay (DERP) and STUN</source>
        <translation>Relay (DERP) und STUN</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Nodes whose Tailscale client is older than the oldest version Keel supports</source>
        <translation>Knoten, deren Tailscale-Client älter ist als die älteste Version, die Keel unterstützt</translation>
    </message>
    <message>
        <source>Not known (the server does not report it)</source>
        <translation>Nicht bekannt (der Server meldet es nicht)</translation>
    </message>
    <message>
        <source>Embedded relay on (region %1), clients connected: %2</source>
        <translation>Eingebettetes Relay an (Region %1), verbundene Clients: %2</translation>
    </message>
    <message>
        <source>Embedded relay off</source>
        <translation>Eingebettetes Relay aus</translation>
    </message>
    <message>
        <source>STUN on port %1, requests answered: %2</source>
        <translation>STUN an auf Port %1, beantwortete Anfragen: %2</translation>
    </message>
    <message>
        <source>STUN off</source>
        <translation>STUN aus</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>keel::gui::DnsDerpPanel</name>
    <message>
        <source>DNS settings</source>
        <translation>DNS-Einstellungen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Extra DNS records</source>
        <translation>Zusätzliche DNS-Einträge</translation>
    </message>
    <message>
        <source>Extra records (dns.extra_records, or the file dns.extra_records_path):</source>
        <translation>Zusätzliche Einträge (dns.extra_records oder die Datei dns.extra_records_path):</translation>
    </message>
    <message>
        <source>DNS</source>
        <translation>DNS</translation>
    </message>
    <message>
        <source>Region / relay</source>
        <translation>Region / Relay</translation>
    </message>
    <message>
        <source>Code / host</source>
        <translation>Kürzel / Host</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>Adressen</translation>
    </message>
    <message>
        <source>STUN port</source>
        <translation>STUN-Port</translation>
    </message>
    <message>
        <source>DERP map</source>
        <translation>DERP-Karte</translation>
    </message>
    <message>
        <source>This server does not report its DNS settings and DERP map through the API (an older Keel, or Headscale): see its config.yaml.</source>
        <translation>Dieser Server meldet seine DNS-Einstellungen und DERP-Karte nicht über die API (ein älteres Keel oder Headscale): siehe seine config.yaml.</translation>
    </message>
    <message>
        <source>on</source>
        <translation>an</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>&lt;b&gt;MagicDNS:&lt;/b&gt; %1, base domain %2&lt;br&gt;&lt;b&gt;Override the devices&apos; local DNS:&lt;/b&gt; %3&lt;br&gt;&lt;b&gt;Nameservers:&lt;/b&gt; %4&lt;br&gt;&lt;b&gt;Split DNS:&lt;/b&gt; %5&lt;br&gt;&lt;b&gt;Search domains:&lt;/b&gt; %6</source>
        <translation>&lt;b&gt;MagicDNS:&lt;/b&gt; %1, Basisdomäne %2&lt;br&gt;&lt;b&gt;Lokales DNS der Geräte übersteuern:&lt;/b&gt; %3&lt;br&gt;&lt;b&gt;Nameserver:&lt;/b&gt; %4&lt;br&gt;&lt;b&gt;Split-DNS:&lt;/b&gt; %5&lt;br&gt;&lt;b&gt;Suchdomänen:&lt;/b&gt; %6</translation>
    </message>
    <message>
        <source>The embedded relay serves region %1 (%2); clients connected: %3.</source>
        <translation>Das eingebettete Relay bedient Region %1 (%2); verbundene Clients: %3.</translation>
    </message>
    <message>
        <source>The embedded relay is off; devices use the regions below.</source>
        <translation>Das eingebettete Relay ist aus; Geräte nutzen die Regionen unten.</translation>
    </message>
    <message>
        <source>The DERP map is empty: devices can only connect directly.</source>
        <translation>Die DERP-Karte ist leer: Geräte können sich nur direkt verbinden.</translation>
    </message>
</context>
<context>
    <name>keel::gui::FirstRunWizard</name>
    <message>
        <source>Set up Keel on this computer</source>
        <translation>Keel auf diesem Computer einrichten</translation>
    </message>
    <message>
        <source>How devices reach this server</source>
        <translation>Wie Geräte diesen Server erreichen</translation>
    </message>
    <message>
        <source>Devices log in at the server URL; it must be reachable from them (use this computer&apos;s name or address, not 127.0.0.1, for other machines).</source>
        <translation>Geräte melden sich unter der Server-URL an; sie muss für sie erreichbar sein (für andere Rechner den Namen oder die Adresse dieses Computers verwenden, nicht 127.0.0.1).</translation>
    </message>
    <message>
        <source>Server URL</source>
        <translation>Server-URL</translation>
    </message>
    <message>
        <source>Listen address</source>
        <translation>Lauschadresse</translation>
    </message>
    <message>
        <source>Server &amp;URL:</source>
        <translation>Server-&amp;URL:</translation>
    </message>
    <message>
        <source>&amp;Listen address:</source>
        <translation>&amp;Lauschadresse:</translation>
    </message>
    <message>
        <source>Data and encryption</source>
        <translation>Daten und Verschlüsselung</translation>
    </message>
    <message>
        <source>Where the database and keys are kept, and an optional TLS certificate (without one, put a TLS proxy in front for devices outside this network).</source>
        <translation>Wo die Datenbank und die Schlüssel liegen, und ein optionales TLS-Zertifikat (ohne eines für Geräte außerhalb dieses Netzes einen TLS-Proxy vorschalten).</translation>
    </message>
    <message>
        <source>Data directory</source>
        <translation>Datenverzeichnis</translation>
    </message>
    <message>
        <source>optional: /path/to/fullchain.pem</source>
        <translation>optional: /pfad/zu/fullchain.pem</translation>
    </message>
    <message>
        <source>TLS certificate file</source>
        <translation>TLS-Zertifikatsdatei</translation>
    </message>
    <message>
        <source>optional: /path/to/privkey.pem</source>
        <translation>optional: /pfad/zu/privkey.pem</translation>
    </message>
    <message>
        <source>TLS key file</source>
        <translation>TLS-Schlüsseldatei</translation>
    </message>
    <message>
        <source>Run the embedded DERP relay and STUN server (needs an https server URL)</source>
        <translation>Eingebettetes DERP-Relay und STUN-Server betreiben (braucht eine https-Server-URL)</translation>
    </message>
    <message>
        <source>&amp;Data directory:</source>
        <translation>&amp;Datenverzeichnis:</translation>
    </message>
    <message>
        <source>TLS &amp;certificate:</source>
        <translation>TLS-&amp;Zertifikat:</translation>
    </message>
    <message>
        <source>TLS &amp;key:</source>
        <translation>TLS-&amp;Schlüssel:</translation>
    </message>
    <message>
        <source>The first user</source>
        <translation>Der erste Benutzer</translation>
    </message>
    <message>
        <source>Devices belong to users. Create the first one now; a pre-auth key lets its first device join without approval.</source>
        <translation>Geräte gehören Benutzern. Legen Sie jetzt den ersten an; mit einem Pre-Auth-Schlüssel tritt sein erstes Gerät ohne Genehmigung bei.</translation>
    </message>
    <message>
        <source>First user name</source>
        <translation>Name des ersten Benutzers</translation>
    </message>
    <message>
        <source>Create a pre-auth key for this user</source>
        <translation>Einen Pre-Auth-Schlüssel für diesen Benutzer erstellen</translation>
    </message>
    <message>
        <source>User &amp;name:</source>
        <translation>Benutzer&amp;name:</translation>
    </message>
    <message>
        <source>The configuration is written to %1.</source>
        <translation>Die Konfiguration wird nach %1 geschrieben.</translation>
    </message>
    <message>
        <source>The server URL must look like https://keel.example.com or http://192.168.1.10:8080.</source>
        <translation>Die Server-URL muss wie https://keel.example.com oder http://192.168.1.10:8080 aussehen.</translation>
    </message>
    <message>
        <source>The listen address needs a port, such as 0.0.0.0:8080.</source>
        <translation>Die Lauschadresse braucht einen Port, etwa 0.0.0.0:8080.</translation>
    </message>
    <message>
        <source>Choose a data directory.</source>
        <translation>Wählen Sie ein Datenverzeichnis.</translation>
    </message>
    <message>
        <source>Give both the TLS certificate and its key, or neither.</source>
        <translation>Geben Sie das TLS-Zertifikat und seinen Schlüssel an, oder keines von beiden.</translation>
    </message>
    <message>
        <source>The embedded relay needs an https server URL.</source>
        <translation>Das eingebettete Relay braucht eine https-Server-URL.</translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation>Geben Sie einen Benutzernamen ein.</translation>
    </message>
    <message>
        <source>These settings are not valid: %1</source>
        <translation>Diese Einstellungen sind ungültig: %1</translation>
    </message>
    <message>
        <source>Cannot create the folders for %1 and %2.</source>
        <translation>Die Ordner für %1 und %2 können nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>keel::gui::LogModel</name>
    <message>
        <source>debug</source>
        <translation>Debug</translation>
    </message>
    <message>
        <source>info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Module</source>
        <translation>Modul</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>keel::gui::LogsPage</name>
    <message>
        <source>Server log</source>
        <translation>Server-Protokoll</translation>
    </message>
    <message>
        <source>Filter by actor, action or target</source>
        <translation>Nach Akteur, Aktion oder Ziel filtern</translation>
    </message>
    <message>
        <source>Filter audit log</source>
        <translation>Audit-Protokoll filtern</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>Audit-Protokoll</translation>
    </message>
    <message>
        <source>This server keeps no audit log that the API can read.</source>
        <translation>Dieser Server führt kein Audit-Protokoll, das die API lesen kann.</translation>
    </message>
    <message>
        <source>Lowest level shown</source>
        <translation>Niedrigste angezeigte Stufe</translation>
    </message>
    <message>
        <source>Debug and above</source>
        <translation>Debug und höher</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>Info und höher</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>Warnungen und Fehler</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>Nur Fehler</translation>
    </message>
    <message>
        <source>Module (keel.control, keel.derp, …)</source>
        <translation>Modul (keel.control, keel.derp, …)</translation>
    </message>
    <message>
        <source>Filter log by module</source>
        <translation>Protokoll nach Modul filtern</translation>
    </message>
    <message>
        <source>This server does not offer its log through the API (an older Keel, or Headscale): see its journal (journalctl -u keel).</source>
        <translation>Dieser Server bietet sein Protokoll nicht über die API an (ein älteres Keel oder Headscale): siehe sein Journal (journalctl -u keel).</translation>
    </message>
    <message>
        <source>Not connected to the server&apos;s log; reconnecting…</source>
        <translation>Nicht mit dem Protokoll des Servers verbunden; verbinde neu…</translation>
    </message>
</context>
<context>
    <name>keel::gui::MainWindow</name>
    <message>
        <source>Keel Manager</source>
        <translation>Keel Manager</translation>
    </message>
    <message>
        <source>Views</source>
        <translation>Ansichten</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Pending approvals</source>
        <translation>Ausstehende Genehmigungen</translation>
    </message>
    <message>
        <source>Users and keys</source>
        <translation>Benutzer und Schlüssel</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <source>Routes, DNS and DERP</source>
        <translation>Routen, DNS und DERP</translation>
    </message>
    <message>
        <source>Logs and audit</source>
        <translation>Protokolle und Audit</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <source>&amp;Connect to another server…</source>
        <translation>Mit anderem Server &amp;verbinden…</translation>
    </message>
    <message>
        <source>&amp;Reload lists</source>
        <translation>Listen neu &amp;laden</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Keel Manager</source>
        <translation>&amp;Über Keel Manager</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Connection: %1</source>
        <translation>Verbindung: %1</translation>
    </message>
    <message>
        <source>The server is not reachable. What you see may be out of date; Keel Manager reconnects by itself.
%1</source>
        <translation>Der Server ist nicht erreichbar. Was Sie sehen, ist vielleicht veraltet; Keel Manager verbindet sich von selbst neu.
%1</translation>
    </message>
    <message>
        <source>Pending approvals (%1)</source>
        <translation>Ausstehende Genehmigungen (%1)</translation>
    </message>
    <message>
        <source>About Keel Manager</source>
        <translation>Über Keel Manager</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Keel Manager %1&lt;/h3&gt;&lt;p&gt;Manages a Keel server: the self-hosted coordination server for Tailscale clients.&lt;/p&gt;&lt;p&gt;Built with Qt %2, running on Qt %3.&lt;/p&gt;&lt;p&gt;%4&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Keel Manager %1&lt;/h3&gt;&lt;p&gt;Verwaltet einen Keel-Server: den selbst betriebenen Koordinationsserver für Tailscale-Clients.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2, läuft mit Qt %3.&lt;/p&gt;&lt;p&gt;%4&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>keel::gui::ManagerApp</name>
    <message>
        <source>Keel Manager</source>
        <translation>Keel Manager</translation>
    </message>
    <message>
        <source>The API key could not be stored in the system keychain (%1). It is used for this session only.</source>
        <translation>Der API-Schlüssel konnte nicht im Schlüsselbund des Systems gespeichert werden (%1). Er gilt nur für diese Sitzung.</translation>
    </message>
    <message>
        <source>No API key is stored for %1. Enter one.</source>
        <translation>Für %1 ist kein API-Schlüssel gespeichert. Bitte geben Sie einen ein.</translation>
    </message>
    <message>
        <source>The system keychain could not be read (%1). Enter the API key again.</source>
        <translation>Der Schlüsselbund des Systems konnte nicht gelesen werden (%1). Bitte geben Sie den API-Schlüssel erneut ein.</translation>
    </message>
    <message>
        <source>%1 has errors:
%2</source>
        <translation>%1 enthält Fehler:
%2</translation>
    </message>
    <message>
        <source>The server could not start: %1</source>
        <translation>Der Server konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>%1 asks to join the tailnet.</source>
        <translation>%1 möchte dem Tailnet beitreten.</translation>
    </message>
    <message>
        <source>A device is waiting for approval</source>
        <translation>Ein Gerät wartet auf Genehmigung</translation>
    </message>
</context>
<context>
    <name>keel::gui::NodeModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Host name reported by the device: %1</source>
        <translation>Vom Gerät gemeldeter Hostname: %1</translation>
    </message>
    <message>
        <source>User or tags</source>
        <translation>Benutzer oder Tags</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>Adressen</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>Betriebssystem</translation>
    </message>
    <message>
        <source>Client version</source>
        <translation>Client-Version</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Waiting for approval</source>
        <translation>Warten auf Genehmigung</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message>
        <source>Key expiry</source>
        <translation>Schlüsselablauf</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
</context>
<context>
    <name>keel::gui::NodesPage</name>
    <message>
        <source>Filter by name, user, tag, address or OS</source>
        <translation>Nach Name, Benutzer, Tag, Adresse oder Betriebssystem filtern</translation>
    </message>
    <message>
        <source>Filter nodes</source>
        <translation>Knoten filtern</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Node details</source>
        <translation>Knotendetails</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>&amp;Umbenennen…</translation>
    </message>
    <message>
        <source>Rename node</source>
        <translation>Knoten umbenennen</translation>
    </message>
    <message>
        <source>&amp;Tags…</source>
        <translation>&amp;Tags…</translation>
    </message>
    <message>
        <source>Edit node tags</source>
        <translation>Tags des Knotens bearbeiten</translation>
    </message>
    <message>
        <source>R&amp;outes…</source>
        <translation>R&amp;outen…</translation>
    </message>
    <message>
        <source>Approve node routes</source>
        <translation>Routen des Knotens freigeben</translation>
    </message>
    <message>
        <source>&amp;Move…</source>
        <translation>&amp;Verschieben…</translation>
    </message>
    <message>
        <source>Move node to another user</source>
        <translation>Knoten einem anderen Benutzer geben</translation>
    </message>
    <message>
        <source>E&amp;xpire</source>
        <translation>&amp;Ablaufen lassen</translation>
    </message>
    <message>
        <source>Expire node key</source>
        <translation>Knotenschlüssel ablaufen lassen</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Delete node</source>
        <translation>Knoten löschen</translation>
    </message>
    <message>
        <source>Select a node to see its details.</source>
        <translation>Wählen Sie einen Knoten, um seine Details zu sehen.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Host name</source>
        <translation>Hostname</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>Adressen</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Key expiry</source>
        <translation>Schlüsselablauf</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>Betriebssystem</translation>
    </message>
    <message>
        <source>Client version</source>
        <translation>Client-Version</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Registriert</translation>
    </message>
    <message>
        <source>Routes announced</source>
        <translation>Angekündigte Routen</translation>
    </message>
    <message>
        <source>Routes approved</source>
        <translation>Freigegebene Routen</translation>
    </message>
    <message>
        <source>Routes served (primary)</source>
        <translation>Bediente Routen (primär)</translation>
    </message>
    <message>
        <source>Endpoints</source>
        <translation>Endpunkte</translation>
    </message>
    <message>
        <source>DERP home</source>
        <translation>DERP-Heimat</translation>
    </message>
    <message>
        <source>Machine key</source>
        <translation>Maschinenschlüssel</translation>
    </message>
    <message>
        <source>Node key</source>
        <translation>Knotenschlüssel</translation>
    </message>
    <message>
        <source>New name (its MagicDNS name):</source>
        <translation>Neuer Name (sein MagicDNS-Name):</translation>
    </message>
    <message>
        <source>Node tags</source>
        <translation>Knoten-Tags</translation>
    </message>
    <message>
        <source>Tags, separated by commas (tag:server, tag:web); empty removes them:</source>
        <translation>Tags, durch Kommas getrennt (tag:server, tag:web); leer entfernt sie:</translation>
    </message>
    <message>
        <source>Approve routes</source>
        <translation>Routen freigeben</translation>
    </message>
    <message>
        <source>Announced: %1
Approved routes, separated by commas:</source>
        <translation>Angekündigt: %1
Freigegebene Routen, durch Kommas getrennt:</translation>
    </message>
    <message>
        <source>Move node</source>
        <translation>Knoten verschieben</translation>
    </message>
    <message>
        <source>New owner:</source>
        <translation>Neuer Besitzer:</translation>
    </message>
    <message>
        <source>Expire the key of %1? The device is logged out and must log in again.</source>
        <translation>Den Schlüssel von %1 ablaufen lassen? Das Gerät wird abgemeldet und muss sich neu anmelden.</translation>
    </message>
    <message>
        <source>Delete %1 from the tailnet? This cannot be undone.</source>
        <translation>%1 aus dem Tailnet löschen? Das kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Can reach (under the policy in force)</source>
        <translation>Kann erreichen (nach der geltenden Richtlinie)</translation>
    </message>
    <message>
        <source>Asking the server…</source>
        <translation>Frage den Server…</translation>
    </message>
    <message>
        <source>Not known: %1</source>
        <translation>Nicht bekannt: %1</translation>
    </message>
    <message>
        <source>No other node.</source>
        <translation>Keinen anderen Knoten.</translation>
    </message>
    <message>
        <source>all ports</source>
        <translation>alle Ports</translation>
    </message>
    <message>
        <source>ports %1</source>
        <translation>Ports %1</translation>
    </message>
</context>
<context>
    <name>keel::gui::OnlineChart</name>
    <message>
        <source>Chart of online nodes over the last 24 hours</source>
        <translation>Diagramm der Knoten online in den letzten 24 Stunden</translation>
    </message>
    <message>
        <source>Online nodes, last 24 hours</source>
        <translation>Knoten online, letzte 24 Stunden</translation>
    </message>
</context>
<context>
    <name>keel::gui::PendingModel</name>
    <message>
        <source>Host name</source>
        <translation>Hostname</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>Betriebssystem</translation>
    </message>
    <message>
        <source>Client version</source>
        <translation>Client-Version</translation>
    </message>
    <message>
        <source>Requested tags</source>
        <translation>Gewünschte Tags</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Machine key</source>
        <translation>Maschinenschlüssel</translation>
    </message>
    <message>
        <source>Waiting since</source>
        <translation>Wartet seit</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
</context>
<context>
    <name>keel::gui::PendingPage</name>
    <message>
        <source>Pending registrations</source>
        <translation>Ausstehende Registrierungen</translation>
    </message>
    <message>
        <source>Owner of the approved node</source>
        <translation>Besitzer des genehmigten Knotens</translation>
    </message>
    <message>
        <source>tag:server, tag:web (optional)</source>
        <translation>tag:server, tag:web (optional)</translation>
    </message>
    <message>
        <source>Tags for the approved node</source>
        <translation>Tags für den genehmigten Knoten</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Genehmigen</translation>
    </message>
    <message>
        <source>Approve registration</source>
        <translation>Registrierung genehmigen</translation>
    </message>
    <message>
        <source>Re&amp;ject</source>
        <translation>Ab&amp;lehnen</translation>
    </message>
    <message>
        <source>Reject registration</source>
        <translation>Registrierung ablehnen</translation>
    </message>
    <message>
        <source>&amp;Owner:</source>
        <translation>&amp;Besitzer:</translation>
    </message>
    <message>
        <source>T&amp;ags:</source>
        <translation>T&amp;ags:</translation>
    </message>
    <message>
        <source>Devices asking to join</source>
        <translation>Geräte, die beitreten möchten</translation>
    </message>
    <message>
        <source>Devices waiting for authorization</source>
        <translation>Geräte, die auf Autorisierung warten</translation>
    </message>
    <message>
        <source>A&amp;uthorize</source>
        <translation>A&amp;utorisieren</translation>
    </message>
    <message>
        <source>Authorize device</source>
        <translation>Gerät autorisieren</translation>
    </message>
    <message>
        <source>Registered devices waiting for authorization (device approval)</source>
        <translation>Registrierte Geräte, die auf Autorisierung warten (Geräte-Genehmigung)</translation>
    </message>
    <message>
        <source>This server does not list waiting registrations. Approve one with the command its login page shows.</source>
        <translation>Dieser Server listet keine wartenden Registrierungen. Genehmigen Sie eine mit dem Befehl, den ihre Anmeldeseite zeigt.</translation>
    </message>
    <message>
        <source>No device is waiting. A device that runs `tailscale up --login-server=…` without a key appears here.</source>
        <translation>Kein Gerät wartet. Ein Gerät, das `tailscale up --login-server=…` ohne Schlüssel ausführt, erscheint hier.</translation>
    </message>
    <message>
        <source>Select a device, choose its owner and approve it, or reject it.</source>
        <translation>Wählen Sie ein Gerät, wählen Sie seinen Besitzer und genehmigen Sie es, oder lehnen Sie es ab.</translation>
    </message>
</context>
<context>
    <name>keel::gui::PolicyHistoryPanel</name>
    <message>
        <source>Policy history</source>
        <translation>Richtlinien-Verlauf</translation>
    </message>
    <message>
        <source>#</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Stored</source>
        <translation>Gespeichert</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Anmerkung</translation>
    </message>
    <message>
        <source>Differences between the selected policy and the policy in force</source>
        <translation>Unterschiede zwischen der gewählten und der geltenden Richtlinie</translation>
    </message>
    <message>
        <source>&amp;Roll back to this version</source>
        <translation>Auf diese Version &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>Put the selected policy in force again</source>
        <translation>Die gewählte Richtlinie wieder in Kraft setzen</translation>
    </message>
    <message>
        <source>The server checks the old policy against today&apos;s users and nodes and runs its tests first</source>
        <translation>Der Server prüft die alte Richtlinie zuerst gegen die heutigen Benutzer und Knoten und führt ihre Tests aus</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Changes from the policy in force to the selected one:</source>
        <translation>Änderungen von der geltenden zur gewählten Richtlinie:</translation>
    </message>
    <message>
        <source>No history: %1</source>
        <translation>Kein Verlauf: %1</translation>
    </message>
    <message>
        <source>in force</source>
        <translation>in Kraft</translation>
    </message>
    <message>
        <source>in force (%1)</source>
        <translation>in Kraft (%1)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>The same as the policy in force.</source>
        <translation>Gleich der geltenden Richtlinie.</translation>
    </message>
    <message>
        <source>Roll back the policy</source>
        <translation>Richtlinie zurücksetzen</translation>
    </message>
    <message>
        <source>Put policy %1 (stored %2) in force again for every node?</source>
        <translation>Richtlinie %1 (gespeichert %2) für alle Knoten wieder in Kraft setzen?</translation>
    </message>
    <message>
        <source>Rolling back…</source>
        <translation>Setze zurück…</translation>
    </message>
    <message>
        <source>Policy %1 is in force again.</source>
        <translation>Richtlinie %1 ist wieder in Kraft.</translation>
    </message>
    <message>
        <source>Not rolled back: %1</source>
        <translation>Nicht zurückgesetzt: %1</translation>
    </message>
</context>
<context>
    <name>keel::gui::PolicyPage</name>
    <message>
        <source>Policy text</source>
        <translation>Richtlinientext</translation>
    </message>
    <message>
        <source>Changes against the policy in force</source>
        <translation>Änderungen gegenüber der geltenden Richtlinie</translation>
    </message>
    <message>
        <source>Policy check result</source>
        <translation>Ergebnis der Richtlinienprüfung</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Save policy</source>
        <translation>Richtlinie speichern</translation>
    </message>
    <message>
        <source>Checks the policy and runs its tests on the server, then puts it in force (Ctrl+S)</source>
        <translation>Prüft die Richtlinie und führt ihre Tests auf dem Server aus, dann setzt sie sie in Kraft (Strg+S)</translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation>&amp;Zurücksetzen</translation>
    </message>
    <message>
        <source>Revert to the policy in force</source>
        <translation>Auf die geltende Richtlinie zurücksetzen</translation>
    </message>
    <message>
        <source>Show &amp;changes</source>
        <translation>Ä&amp;nderungen zeigen</translation>
    </message>
    <message>
        <source>Show changes against the policy in force</source>
        <translation>Änderungen gegenüber der geltenden Richtlinie zeigen</translation>
    </message>
    <message>
        <source>Source node</source>
        <translation>Quellknoten</translation>
    </message>
    <message>
        <source>Destination node</source>
        <translation>Zielknoten</translation>
    </message>
    <message>
        <source>Destination port</source>
        <translation>Zielport</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>&amp;Explain</source>
        <translation>&amp;Erklären</translation>
    </message>
    <message>
        <source>Explain whether the source can reach the destination</source>
        <translation>Erklären, ob die Quelle das Ziel erreichen kann</translation>
    </message>
    <message>
        <source>Can a node reach another? (the policy in force)</source>
        <translation>Kann ein Knoten einen anderen erreichen? (geltende Richtlinie)</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>to</source>
        <translation>nach</translation>
    </message>
    <message>
        <source>port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation>Zeile %1, Spalte %2: %3</translation>
    </message>
    <message>
        <source>No policy: every node may reach every other node.</source>
        <translation>Keine Richtlinie: jeder Knoten darf jeden anderen erreichen.</translation>
    </message>
    <message>
        <source>Checking on the server…</source>
        <translation>Prüfung auf dem Server…</translation>
    </message>
    <message>
        <source>The policy is valid and its tests pass.</source>
        <translation>Die Richtlinie ist gültig und ihre Tests bestehen.</translation>
    </message>
    <message>
        <source>The policy is valid and its tests pass (checked against %1).</source>
        <translation>Die Richtlinie ist gültig und ihre Tests bestehen (geprüft gegen %1).</translation>
    </message>
    <message>
        <source>Line %1: %2</source>
        <translation>Zeile %1: %2</translation>
    </message>
    <message>
        <source>Saved: the policy is in force.</source>
        <translation>Gespeichert: die Richtlinie ist in Kraft.</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>No changes against the policy in force.</source>
        <translation>Keine Änderungen gegenüber der geltenden Richtlinie.</translation>
    </message>
    <message>
        <source>Asking…</source>
        <translation>Frage…</translation>
    </message>
    <message>
        <source>Allowed.</source>
        <translation>Erlaubt.</translation>
    </message>
    <message>
        <source>Not allowed.</source>
        <translation>Nicht erlaubt.</translation>
    </message>
    <message>
        <source>Rules: %1</source>
        <translation>Regeln: %1</translation>
    </message>
</context>
<context>
    <name>keel::gui::PreAuthKeyModel</name>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Reusable</source>
        <translation>Mehrfach verwendbar</translation>
    </message>
    <message>
        <source>Ephemeral</source>
        <translation>Flüchtig</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>Verwendet</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
</context>
<context>
    <name>keel::gui::RouteModel</name>
    <message>
        <source>%1 (exit node)</source>
        <translation>%1 (Exit-Knoten)</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>freigegeben</translation>
    </message>
    <message>
        <source>not approved</source>
        <translation>nicht freigegeben</translation>
    </message>
    <message>
        <source>primary</source>
        <translation>primär</translation>
    </message>
    <message>
        <source>standby</source>
        <translation>Bereitschaft</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Approval</source>
        <translation>Freigabe</translation>
    </message>
    <message>
        <source>Serving</source>
        <translation>Bedient</translation>
    </message>
</context>
<context>
    <name>keel::gui::RoutesPage</name>
    <message>
        <source>Routes</source>
        <translation>Routen</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Genehmigen</translation>
    </message>
    <message>
        <source>Approve route</source>
        <translation>Route freigeben</translation>
    </message>
    <message>
        <source>&amp;Withdraw approval</source>
        <translation>Freigabe &amp;zurückziehen</translation>
    </message>
    <message>
        <source>Withdraw route approval</source>
        <translation>Freigabe der Route zurückziehen</translation>
    </message>
    <message>
        <source>Subnet routes and exit nodes</source>
        <translation>Subnetz-Routen und Exit-Knoten</translation>
    </message>
</context>
<context>
    <name>keel::gui::SecretDialog</name>
    <message>
        <source>&lt;b&gt;This is the only time the key is shown.&lt;/b&gt; Copy it now: the server keeps only a hash of it.</source>
        <translation>&lt;b&gt;Nur jetzt wird der Schlüssel angezeigt.&lt;/b&gt; Kopieren Sie ihn jetzt: der Server speichert nur einen Hash davon.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy %1</source>
        <translation>%1 kopieren</translation>
    </message>
    <message>
        <source>&amp;Key:</source>
        <translation>&amp;Schlüssel:</translation>
    </message>
    <message>
        <source>the key</source>
        <translation>den Schlüssel</translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation>&amp;Befehl:</translation>
    </message>
    <message>
        <source>the command line</source>
        <translation>die Befehlszeile</translation>
    </message>
    <message>
        <source>QR code of the command line</source>
        <translation>QR-Code der Befehlszeile</translation>
    </message>
    <message>
        <source>Scan it on the device that should join (e.g. a phone with the Tailscale app: it shows the login server and key).</source>
        <translation>Scannen Sie ihn auf dem Gerät, das beitreten soll (z. B. ein Telefon mit der Tailscale-App: es zeigt Anmeldeserver und Schlüssel).</translation>
    </message>
</context>
<context>
    <name>keel::gui::ServerSession</name>
    <message>
        <source>Not connected to %1; trying again.</source>
        <translation>Nicht mit %1 verbunden; neuer Versuch folgt.</translation>
    </message>
    <message>
        <source>Not connected: %1. Trying again.</source>
        <translation>Nicht verbunden: %1. Neuer Versuch folgt.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1…</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <source>Connected to %1 (no live updates: this server has no event stream, the lists are re-read every 10 s)</source>
        <translation>Verbunden mit %1 (keine Live-Aktualisierung: dieser Server hat keinen Ereignisstrom, die Listen werden alle 10 s neu gelesen)</translation>
    </message>
</context>
<context>
    <name>keel::gui::SseSubscription</name>
    <message>
        <source>the stream went silent</source>
        <translation>der Datenstrom ist verstummt</translation>
    </message>
    <message>
        <source>the server ended the stream</source>
        <translation>der Server hat den Datenstrom beendet</translation>
    </message>
</context>
<context>
    <name>keel::gui::TrayIcon</name>
    <message>
        <source>Show Keel Manager</source>
        <translation>Keel Manager anzeigen</translation>
    </message>
    <message>
        <source>Stop the server and quit</source>
        <translation>Server anhalten und beenden</translation>
    </message>
    <message>
        <source>Keel server: %1</source>
        <translation>Keel-Server: %1</translation>
    </message>
</context>
<context>
    <name>keel::gui::UserModel</name>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>Anzeigename</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
</context>
<context>
    <name>keel::gui::UsersPage</name>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Pre-auth keys</source>
        <translation>Pre-Auth-Schlüssel</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>&amp;Add user…</source>
        <translation>Benutzer &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>Benutzer hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>&amp;Umbenennen…</translation>
    </message>
    <message>
        <source>Rename user</source>
        <translation>Benutzer umbenennen</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Delete user</source>
        <translation>Benutzer löschen</translation>
    </message>
    <message>
        <source>&amp;New pre-auth key…</source>
        <translation>&amp;Neuer Pre-Auth-Schlüssel…</translation>
    </message>
    <message>
        <source>New pre-auth key</source>
        <translation>Neuer Pre-Auth-Schlüssel</translation>
    </message>
    <message>
        <source>E&amp;xpire key</source>
        <translation>Schlüssel &amp;ablaufen lassen</translation>
    </message>
    <message>
        <source>Expire pre-auth key</source>
        <translation>Pre-Auth-Schlüssel ablaufen lassen</translation>
    </message>
    <message>
        <source>New &amp;API key…</source>
        <translation>Neuer &amp;API-Schlüssel…</translation>
    </message>
    <message>
        <source>New API key</source>
        <translation>Neuer API-Schlüssel</translation>
    </message>
    <message>
        <source>Expire API key</source>
        <translation>API-Schlüssel ablaufen lassen</translation>
    </message>
    <message>
        <source>Pre-auth keys (let devices join without approval)</source>
        <translation>Pre-Auth-Schlüssel (Geräte treten ohne Genehmigung bei)</translation>
    </message>
    <message>
        <source>API keys (for remote administration)</source>
        <translation>API-Schlüssel (für die Fernverwaltung)</translation>
    </message>
    <message>
        <source>User name (letters, digits, &apos;.&apos;, &apos;-&apos;, &apos;_&apos;, &apos;@&apos;):</source>
        <translation>Benutzername (Buchstaben, Ziffern, &apos;.&apos;, &apos;-&apos;, &apos;_&apos;, &apos;@&apos;):</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>Neuer Name:</translation>
    </message>
    <message>
        <source>Delete user %1? A user who still owns nodes cannot be deleted.</source>
        <translation>Benutzer %1 löschen? Ein Benutzer, dem noch Knoten gehören, kann nicht gelöscht werden.</translation>
    </message>
    <message>
        <source>Key owner</source>
        <translation>Besitzer des Schlüssels</translation>
    </message>
    <message>
        <source>(none: a tagged key)</source>
        <translation>(keiner: ein Tag-Schlüssel)</translation>
    </message>
    <message>
        <source>Reusable (for several devices)</source>
        <translation>Mehrfach verwendbar (für mehrere Geräte)</translation>
    </message>
    <message>
        <source>Ephemeral (the node is removed when it goes offline)</source>
        <translation>Flüchtig (der Knoten wird entfernt, wenn er offline geht)</translation>
    </message>
    <message>
        <source> hours</source>
        <translation> Stunden</translation>
    </message>
    <message>
        <source>Key lifetime in hours</source>
        <translation>Gültigkeit des Schlüssels in Stunden</translation>
    </message>
    <message>
        <source>tag:server (optional)</source>
        <translation>tag:server (optional)</translation>
    </message>
    <message>
        <source>Key tags</source>
        <translation>Tags des Schlüssels</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>&amp;Valid for:</source>
        <translation>&amp;Gültig für:</translation>
    </message>
    <message>
        <source>&amp;Tags:</source>
        <translation>&amp;Tags:</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Erstellen</translation>
    </message>
    <message>
        <source>Valid for (days):</source>
        <translation>Gültig für (Tage):</translation>
    </message>
</context>
</TS>
