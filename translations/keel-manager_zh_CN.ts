<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>keel::gui::ApiCall</name>
    <message>
        <source>the server did not answer in time</source>
        <translation>服务器未及时响应</translation>
    </message>
    <message>
        <source>permission denied on %1: the user running Keel Manager must be in the socket&apos;s group</source>
        <translation>无权访问 %1：运行 Keel Manager 的用户必须属于该套接字的用户组</translation>
    </message>
    <message>
        <source>cannot reach the Keel server at %1 (%2)</source>
        <translation>无法连接位于 %1 的 Keel 服务器（%2）</translation>
    </message>
    <message>
        <source>cannot reach %1 (%2)</source>
        <translation>无法连接 %1（%2）</translation>
    </message>
    <message>
        <source>the TLS certificate of %1 is not trusted: %2</source>
        <translation>%1 的 TLS 证书不受信任：%2</translation>
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
        <translation>前缀</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>过期时间</translation>
    </message>
    <message>
        <source>never</source>
        <translation>永不</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>最后使用</translation>
    </message>
</context>
<context>
    <name>keel::gui::AuditModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>操作者</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>keel::gui::ConnectDialog</name>
    <message>
        <source>Choose a Keel server</source>
        <translation>选择 Keel 服务器</translation>
    </message>
    <message>
        <source>&amp;This computer: Keel Manager runs the server (it keeps running in the tray)</source>
        <translation>本机(&amp;T)：由 Keel Manager 运行服务器（在系统托盘中继续运行）</translation>
    </message>
    <message>
        <source>A Keel &amp;daemon on this machine (keel serve)</source>
        <translation>本机上的 Keel 守护进程(&amp;D)（keel serve）</translation>
    </message>
    <message>
        <source>A &amp;remote Keel server</source>
        <translation>远程 Keel 服务器(&amp;R)</translation>
    </message>
    <message>
        <source>Unix socket of the daemon</source>
        <translation>守护进程的 Unix 套接字</translation>
    </message>
    <message>
        <source>Server URL</source>
        <translation>服务器 URL</translation>
    </message>
    <message>
        <source>from `keel apikeys create` (kept in the system keychain)</source>
        <translation>来自 `keel apikeys create`（保存在系统密钥环中）</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Accept a self-signed certificate</source>
        <translation>接受自签名证书</translation>
    </message>
    <message>
        <source>&amp;Socket:</source>
        <translation>套接字(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;URL:</source>
        <translation>URL(&amp;U)：</translation>
    </message>
    <message>
        <source>API &amp;key:</source>
        <translation>API 密钥(&amp;K)：</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Enter the path of the daemon&apos;s unix socket (unix_socket in its config.yaml).</source>
        <translation>请输入守护进程 Unix 套接字的路径（其 config.yaml 中的 unix_socket）。</translation>
    </message>
    <message>
        <source>Enter the server&apos;s URL, such as https://keel.example.com.</source>
        <translation>请输入服务器的 URL，例如 https://keel.example.com。</translation>
    </message>
</context>
<context>
    <name>keel::gui::ConnectionChoice</name>
    <message>
        <source>Server on this computer</source>
        <translation>本机上的服务器</translation>
    </message>
    <message>
        <source>Keel daemon at %1</source>
        <translation>位于 %1 的 Keel 守护进程</translation>
    </message>
</context>
<context>
    <name>keel::gui::Controller</name>
    <message>
        <source>User %1 created</source>
        <translation>已创建用户 %1</translation>
    </message>
    <message>
        <source>User renamed to %1</source>
        <translation>用户已重命名为 %1</translation>
    </message>
    <message>
        <source>User deleted</source>
        <translation>用户已删除</translation>
    </message>
    <message>
        <source>Pre-auth key created</source>
        <translation>已创建预授权密钥</translation>
    </message>
    <message>
        <source>Pre-auth key expired</source>
        <translation>预授权密钥已作废</translation>
    </message>
    <message>
        <source>API key created</source>
        <translation>已创建 API 密钥</translation>
    </message>
    <message>
        <source>API key expired</source>
        <translation>API 密钥已作废</translation>
    </message>
    <message>
        <source>Node renamed to %1</source>
        <translation>节点已重命名为 %1</translation>
    </message>
    <message>
        <source>Tags changed</source>
        <translation>标签已更改</translation>
    </message>
    <message>
        <source>Approved routes changed</source>
        <translation>已批准的路由已更改</translation>
    </message>
    <message>
        <source>Node key expired: the device must log in again</source>
        <translation>节点密钥已过期：设备必须重新登录</translation>
    </message>
    <message>
        <source>Node moved</source>
        <translation>节点已转移</translation>
    </message>
    <message>
        <source>Node deleted</source>
        <translation>节点已删除</translation>
    </message>
    <message>
        <source>Device authorized</source>
        <translation>设备已授权</translation>
    </message>
    <message>
        <source>Registration approved for %1</source>
        <translation>已为 %1 批准注册</translation>
    </message>
    <message>
        <source>Registration rejected</source>
        <translation>注册已拒绝</translation>
    </message>
    <message>
        <source>Policy saved</source>
        <translation>策略已保存</translation>
    </message>
    <message>
        <source>Policy %1 is in force again</source>
        <translation>策略 %1 已重新生效</translation>
    </message>
</context>
<context>
    <name>keel::gui::DashboardPage</name>
    <message>
        <source>Nodes online</source>
        <translation>在线节点</translation>
    </message>
    <message>
        <source>Waiting for approval</source>
        <translation>等待批准</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Clients older than 1.70</source>
        <translation>早于 1.70 的客户端</translation>
    </message>
    <message>
        <source>Relay (DERP) and STUN</source>
        <translation>中继（DERP）与 STUN</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Nodes whose Tailscale client is older than the oldest version Keel supports</source>
        <translation>Tailscale 客户端版本低于 Keel 支持的最低版本的节点</translation>
    </message>
    <message>
        <source>Not known (the server does not report it)</source>
        <translation>未知（服务器未报告）</translation>
    </message>
    <message>
        <source>Embedded relay on (region %1), clients connected: %2</source>
        <translation>内置中继已开启（区域 %1），已连接客户端：%2</translation>
    </message>
    <message>
        <source>Embedded relay off</source>
        <translation>内置中继已关闭</translation>
    </message>
    <message>
        <source>STUN on port %1, requests answered: %2</source>
        <translation>STUN 在端口 %1 上开启，已应答请求：%2</translation>
    </message>
    <message>
        <source>STUN off</source>
        <translation>STUN 已关闭</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
<context>
    <name>keel::gui::DnsDerpPanel</name>
    <message>
        <source>DNS settings</source>
        <translation>DNS 设置</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Extra DNS records</source>
        <translation>额外 DNS 记录</translation>
    </message>
    <message>
        <source>Extra records (dns.extra_records, or the file dns.extra_records_path):</source>
        <translation>额外记录（dns.extra_records，或文件 dns.extra_records_path）：</translation>
    </message>
    <message>
        <source>DNS</source>
        <translation>DNS</translation>
    </message>
    <message>
        <source>Region / relay</source>
        <translation>区域 / 中继</translation>
    </message>
    <message>
        <source>Code / host</source>
        <translation>代码 / 主机</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>STUN port</source>
        <translation>STUN 端口</translation>
    </message>
    <message>
        <source>DERP map</source>
        <translation>DERP 地图</translation>
    </message>
    <message>
        <source>This server does not report its DNS settings and DERP map through the API (an older Keel, or Headscale): see its config.yaml.</source>
        <translation>此服务器不通过 API 报告其 DNS 设置和 DERP 地图（较旧的 Keel 或 Headscale）：请查看其 config.yaml。</translation>
    </message>
    <message>
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>&lt;b&gt;MagicDNS:&lt;/b&gt; %1, base domain %2&lt;br&gt;&lt;b&gt;Override the devices&apos; local DNS:&lt;/b&gt; %3&lt;br&gt;&lt;b&gt;Nameservers:&lt;/b&gt; %4&lt;br&gt;&lt;b&gt;Split DNS:&lt;/b&gt; %5&lt;br&gt;&lt;b&gt;Search domains:&lt;/b&gt; %6</source>
        <translation>&lt;b&gt;MagicDNS：&lt;/b&gt;%1，基础域名 %2&lt;br&gt;&lt;b&gt;覆盖设备本地 DNS：&lt;/b&gt;%3&lt;br&gt;&lt;b&gt;域名服务器：&lt;/b&gt;%4&lt;br&gt;&lt;b&gt;分离 DNS：&lt;/b&gt;%5&lt;br&gt;&lt;b&gt;搜索域：&lt;/b&gt;%6</translation>
    </message>
    <message>
        <source>The embedded relay serves region %1 (%2); clients connected: %3.</source>
        <translation>内置中继服务于区域 %1（%2）；已连接客户端：%3。</translation>
    </message>
    <message>
        <source>The embedded relay is off; devices use the regions below.</source>
        <translation>内置中继已关闭；设备使用下面的区域。</translation>
    </message>
    <message>
        <source>The DERP map is empty: devices can only connect directly.</source>
        <translation>DERP 地图为空：设备只能直接连接。</translation>
    </message>
</context>
<context>
    <name>keel::gui::FirstRunWizard</name>
    <message>
        <source>Set up Keel on this computer</source>
        <translation>在本机设置 Keel</translation>
    </message>
    <message>
        <source>How devices reach this server</source>
        <translation>设备如何访问此服务器</translation>
    </message>
    <message>
        <source>Devices log in at the server URL; it must be reachable from them (use this computer&apos;s name or address, not 127.0.0.1, for other machines).</source>
        <translation>设备通过服务器 URL 登录，设备必须能访问该地址（对其他计算机请使用本机的名称或地址，而不是 127.0.0.1）。</translation>
    </message>
    <message>
        <source>Server URL</source>
        <translation>服务器 URL</translation>
    </message>
    <message>
        <source>Listen address</source>
        <translation>监听地址</translation>
    </message>
    <message>
        <source>Server &amp;URL:</source>
        <translation>服务器 URL(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Listen address:</source>
        <translation>监听地址(&amp;L)：</translation>
    </message>
    <message>
        <source>Data and encryption</source>
        <translation>数据与加密</translation>
    </message>
    <message>
        <source>Where the database and keys are kept, and an optional TLS certificate (without one, put a TLS proxy in front for devices outside this network).</source>
        <translation>数据库和密钥的存放位置，以及可选的 TLS 证书（若没有证书，请为本网络以外的设备在前面放置 TLS 代理）。</translation>
    </message>
    <message>
        <source>Data directory</source>
        <translation>数据目录</translation>
    </message>
    <message>
        <source>optional: /path/to/fullchain.pem</source>
        <translation>可选：/path/to/fullchain.pem</translation>
    </message>
    <message>
        <source>TLS certificate file</source>
        <translation>TLS 证书文件</translation>
    </message>
    <message>
        <source>optional: /path/to/privkey.pem</source>
        <translation>可选：/path/to/privkey.pem</translation>
    </message>
    <message>
        <source>TLS key file</source>
        <translation>TLS 密钥文件</translation>
    </message>
    <message>
        <source>Run the embedded DERP relay and STUN server (needs an https server URL)</source>
        <translation>运行内置 DERP 中继和 STUN 服务器（需要 https 服务器 URL）</translation>
    </message>
    <message>
        <source>&amp;Data directory:</source>
        <translation>数据目录(&amp;D)：</translation>
    </message>
    <message>
        <source>TLS &amp;certificate:</source>
        <translation>TLS 证书(&amp;C)：</translation>
    </message>
    <message>
        <source>TLS &amp;key:</source>
        <translation>TLS 密钥(&amp;K)：</translation>
    </message>
    <message>
        <source>The first user</source>
        <translation>第一个用户</translation>
    </message>
    <message>
        <source>Devices belong to users. Create the first one now; a pre-auth key lets its first device join without approval.</source>
        <translation>设备归属于用户。现在创建第一个用户；预授权密钥可让其第一台设备无需批准即可加入。</translation>
    </message>
    <message>
        <source>First user name</source>
        <translation>第一个用户的名称</translation>
    </message>
    <message>
        <source>Create a pre-auth key for this user</source>
        <translation>为此用户创建预授权密钥</translation>
    </message>
    <message>
        <source>User &amp;name:</source>
        <translation>用户名(&amp;N)：</translation>
    </message>
    <message>
        <source>The configuration is written to %1.</source>
        <translation>配置将写入 %1。</translation>
    </message>
    <message>
        <source>The server URL must look like https://keel.example.com or http://192.168.1.10:8080.</source>
        <translation>服务器 URL 的格式应为 https://keel.example.com 或 http://192.168.1.10:8080。</translation>
    </message>
    <message>
        <source>The listen address needs a port, such as 0.0.0.0:8080.</source>
        <translation>监听地址需要端口，例如 0.0.0.0:8080。</translation>
    </message>
    <message>
        <source>Choose a data directory.</source>
        <translation>请选择数据目录。</translation>
    </message>
    <message>
        <source>Give both the TLS certificate and its key, or neither.</source>
        <translation>请同时提供 TLS 证书及其密钥，或都不提供。</translation>
    </message>
    <message>
        <source>The embedded relay needs an https server URL.</source>
        <translation>内置中继需要 https 服务器 URL。</translation>
    </message>
    <message>
        <source>Enter a user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <source>These settings are not valid: %1</source>
        <translation>这些设置无效：%1</translation>
    </message>
    <message>
        <source>Cannot create the folders for %1 and %2.</source>
        <translation>无法为 %1 和 %2 创建文件夹。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>keel::gui::LogModel</name>
    <message>
        <source>debug</source>
        <translation>调试</translation>
    </message>
    <message>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Module</source>
        <translation>模块</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>keel::gui::LogsPage</name>
    <message>
        <source>Server log</source>
        <translation>服务器日志</translation>
    </message>
    <message>
        <source>Filter by actor, action or target</source>
        <translation>按操作者、操作或对象筛选</translation>
    </message>
    <message>
        <source>Filter audit log</source>
        <translation>筛选审计日志</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>This server keeps no audit log that the API can read.</source>
        <translation>此服务器没有可通过 API 读取的审计日志。</translation>
    </message>
    <message>
        <source>Lowest level shown</source>
        <translation>显示的最低级别</translation>
    </message>
    <message>
        <source>Debug and above</source>
        <translation>调试及以上</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>信息及以上</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <source>Module (keel.control, keel.derp, …)</source>
        <translation>模块（keel.control、keel.derp……）</translation>
    </message>
    <message>
        <source>Filter log by module</source>
        <translation>按模块筛选日志</translation>
    </message>
    <message>
        <source>This server does not offer its log through the API (an older Keel, or Headscale): see its journal (journalctl -u keel).</source>
        <translation>此服务器不通过 API 提供其日志（较旧的 Keel 或 Headscale）：请查看其日志（journalctl -u keel）。</translation>
    </message>
    <message>
        <source>Not connected to the server&apos;s log; reconnecting…</source>
        <translation>未连接到服务器日志；正在重新连接…</translation>
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
        <translation>视图</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>仪表板</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Pending approvals</source>
        <translation>待批准</translation>
    </message>
    <message>
        <source>Users and keys</source>
        <translation>用户与密钥</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>Routes, DNS and DERP</source>
        <translation>路由、DNS 与 DERP</translation>
    </message>
    <message>
        <source>Logs and audit</source>
        <translation>日志与审计</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>服务器(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Connect to another server…</source>
        <translation>连接到其他服务器(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Reload lists</source>
        <translation>重新加载列表(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Keel Manager</source>
        <translation>关于 Keel Manager(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>关于 Qt(&amp;Q)</translation>
    </message>
    <message>
        <source>Connection: %1</source>
        <translation>连接：%1</translation>
    </message>
    <message>
        <source>The server is not reachable. What you see may be out of date; Keel Manager reconnects by itself.
%1</source>
        <translation>无法访问服务器。显示的内容可能已过时；Keel Manager 会自动重新连接。
%1</translation>
    </message>
    <message>
        <source>Pending approvals (%1)</source>
        <translation>待批准（%1）</translation>
    </message>
    <message>
        <source>About Keel Manager</source>
        <translation>关于 Keel Manager</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Keel Manager %1&lt;/h3&gt;&lt;p&gt;Manages a Keel server: the self-hosted coordination server for Tailscale clients.&lt;/p&gt;&lt;p&gt;Built with Qt %2, running on Qt %3.&lt;/p&gt;&lt;p&gt;%4&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Keel Manager %1&lt;/h3&gt;&lt;p&gt;管理 Keel 服务器：面向 Tailscale 客户端的自托管协调服务器。&lt;/p&gt;&lt;p&gt;使用 Qt %2 构建，运行于 Qt %3。&lt;/p&gt;&lt;p&gt;%4&lt;/p&gt;</translation>
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
        <translation>无法将 API 密钥保存到系统密钥环（%1）。它仅用于本次会话。</translation>
    </message>
    <message>
        <source>No API key is stored for %1. Enter one.</source>
        <translation>没有为 %1 保存 API 密钥。请输入一个。</translation>
    </message>
    <message>
        <source>The system keychain could not be read (%1). Enter the API key again.</source>
        <translation>无法读取系统密钥环（%1）。请重新输入 API 密钥。</translation>
    </message>
    <message>
        <source>%1 has errors:
%2</source>
        <translation>%1 有错误：
%2</translation>
    </message>
    <message>
        <source>The server could not start: %1</source>
        <translation>服务器无法启动：%1</translation>
    </message>
    <message>
        <source>%1 asks to join the tailnet.</source>
        <translation>%1 请求加入 tailnet。</translation>
    </message>
    <message>
        <source>A device is waiting for approval</source>
        <translation>有设备等待批准</translation>
    </message>
</context>
<context>
    <name>keel::gui::NodeModel</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Host name reported by the device: %1</source>
        <translation>设备报告的主机名：%1</translation>
    </message>
    <message>
        <source>User or tags</source>
        <translation>用户或标签</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>操作系统</translation>
    </message>
    <message>
        <source>Client version</source>
        <translation>客户端版本</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Waiting for approval</source>
        <translation>等待批准</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最后在线</translation>
    </message>
    <message>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>Key expiry</source>
        <translation>密钥过期</translation>
    </message>
    <message>
        <source>never</source>
        <translation>永不</translation>
    </message>
</context>
<context>
    <name>keel::gui::NodesPage</name>
    <message>
        <source>Filter by name, user, tag, address or OS</source>
        <translation>按名称、用户、标签、地址或操作系统筛选</translation>
    </message>
    <message>
        <source>Filter nodes</source>
        <translation>筛选节点</translation>
    </message>
    <message>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Node details</source>
        <translation>节点详情</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>重命名(&amp;R)…</translation>
    </message>
    <message>
        <source>Rename node</source>
        <translation>重命名节点</translation>
    </message>
    <message>
        <source>&amp;Tags…</source>
        <translation>标签(&amp;T)…</translation>
    </message>
    <message>
        <source>Edit node tags</source>
        <translation>编辑节点标签</translation>
    </message>
    <message>
        <source>R&amp;outes…</source>
        <translation>路由(&amp;O)…</translation>
    </message>
    <message>
        <source>Approve node routes</source>
        <translation>批准节点路由</translation>
    </message>
    <message>
        <source>&amp;Move…</source>
        <translation>转移(&amp;M)…</translation>
    </message>
    <message>
        <source>Move node to another user</source>
        <translation>将节点转给其他用户</translation>
    </message>
    <message>
        <source>E&amp;xpire</source>
        <translation>使过期(&amp;X)</translation>
    </message>
    <message>
        <source>Expire node key</source>
        <translation>使节点密钥过期</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>Delete node</source>
        <translation>删除节点</translation>
    </message>
    <message>
        <source>Select a node to see its details.</source>
        <translation>选择一个节点以查看其详情。</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Host name</source>
        <translation>主机名</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最后在线</translation>
    </message>
    <message>
        <source>Key expiry</source>
        <translation>密钥过期</translation>
    </message>
    <message>
        <source>never</source>
        <translation>永不</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>操作系统</translation>
    </message>
    <message>
        <source>Client version</source>
        <translation>客户端版本</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>注册时间</translation>
    </message>
    <message>
        <source>Routes announced</source>
        <translation>通告的路由</translation>
    </message>
    <message>
        <source>Routes approved</source>
        <translation>已批准的路由</translation>
    </message>
    <message>
        <source>Routes served (primary)</source>
        <translation>提供的路由（主）</translation>
    </message>
    <message>
        <source>Endpoints</source>
        <translation>端点</translation>
    </message>
    <message>
        <source>DERP home</source>
        <translation>DERP 主区域</translation>
    </message>
    <message>
        <source>Machine key</source>
        <translation>机器密钥</translation>
    </message>
    <message>
        <source>Node key</source>
        <translation>节点密钥</translation>
    </message>
    <message>
        <source>New name (its MagicDNS name):</source>
        <translation>新名称（其 MagicDNS 名称）：</translation>
    </message>
    <message>
        <source>Node tags</source>
        <translation>节点标签</translation>
    </message>
    <message>
        <source>Tags, separated by commas (tag:server, tag:web); empty removes them:</source>
        <translation>标签，以逗号分隔（tag:server, tag:web）；留空则删除：</translation>
    </message>
    <message>
        <source>Approve routes</source>
        <translation>批准路由</translation>
    </message>
    <message>
        <source>Announced: %1
Approved routes, separated by commas:</source>
        <translation>已通告：%1
已批准的路由，以逗号分隔：</translation>
    </message>
    <message>
        <source>Move node</source>
        <translation>转移节点</translation>
    </message>
    <message>
        <source>New owner:</source>
        <translation>新所有者：</translation>
    </message>
    <message>
        <source>Expire the key of %1? The device is logged out and must log in again.</source>
        <translation>使 %1 的密钥过期？该设备将被注销，必须重新登录。</translation>
    </message>
    <message>
        <source>Delete %1 from the tailnet? This cannot be undone.</source>
        <translation>从 tailnet 中删除 %1？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Can reach (under the policy in force)</source>
        <translation>可访问（按当前生效的策略）</translation>
    </message>
    <message>
        <source>Asking the server…</source>
        <translation>正在询问服务器…</translation>
    </message>
    <message>
        <source>Not known: %1</source>
        <translation>未知：%1</translation>
    </message>
    <message>
        <source>No other node.</source>
        <translation>没有其他节点。</translation>
    </message>
    <message>
        <source>all ports</source>
        <translation>所有端口</translation>
    </message>
    <message>
        <source>ports %1</source>
        <translation>端口 %1</translation>
    </message>
</context>
<context>
    <name>keel::gui::OnlineChart</name>
    <message>
        <source>Chart of online nodes over the last 24 hours</source>
        <translation>过去 24 小时在线节点图表</translation>
    </message>
    <message>
        <source>Online nodes, last 24 hours</source>
        <translation>在线节点，过去 24 小时</translation>
    </message>
</context>
<context>
    <name>keel::gui::PendingModel</name>
    <message>
        <source>Host name</source>
        <translation>主机名</translation>
    </message>
    <message>
        <source>OS</source>
        <translation>操作系统</translation>
    </message>
    <message>
        <source>Client version</source>
        <translation>客户端版本</translation>
    </message>
    <message>
        <source>Requested tags</source>
        <translation>请求的标签</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Machine key</source>
        <translation>机器密钥</translation>
    </message>
    <message>
        <source>Waiting since</source>
        <translation>等待自</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>过期时间</translation>
    </message>
</context>
<context>
    <name>keel::gui::PendingPage</name>
    <message>
        <source>Pending registrations</source>
        <translation>待处理的注册</translation>
    </message>
    <message>
        <source>Owner of the approved node</source>
        <translation>已批准节点的所有者</translation>
    </message>
    <message>
        <source>tag:server, tag:web (optional)</source>
        <translation>tag:server, tag:web（可选）</translation>
    </message>
    <message>
        <source>Tags for the approved node</source>
        <translation>已批准节点的标签</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>批准(&amp;A)</translation>
    </message>
    <message>
        <source>Approve registration</source>
        <translation>批准注册</translation>
    </message>
    <message>
        <source>Re&amp;ject</source>
        <translation>拒绝(&amp;J)</translation>
    </message>
    <message>
        <source>Reject registration</source>
        <translation>拒绝注册</translation>
    </message>
    <message>
        <source>&amp;Owner:</source>
        <translation>所有者(&amp;O)：</translation>
    </message>
    <message>
        <source>T&amp;ags:</source>
        <translation>标签(&amp;A)：</translation>
    </message>
    <message>
        <source>Devices asking to join</source>
        <translation>请求加入的设备</translation>
    </message>
    <message>
        <source>Devices waiting for authorization</source>
        <translation>等待授权的设备</translation>
    </message>
    <message>
        <source>A&amp;uthorize</source>
        <translation>授权(&amp;U)</translation>
    </message>
    <message>
        <source>Authorize device</source>
        <translation>授权设备</translation>
    </message>
    <message>
        <source>Registered devices waiting for authorization (device approval)</source>
        <translation>等待授权的已注册设备（设备审批）</translation>
    </message>
    <message>
        <source>This server does not list waiting registrations. Approve one with the command its login page shows.</source>
        <translation>此服务器不列出等待中的注册。请使用其登录页面显示的命令来批准。</translation>
    </message>
    <message>
        <source>No device is waiting. A device that runs `tailscale up --login-server=…` without a key appears here.</source>
        <translation>没有等待中的设备。运行 `tailscale up --login-server=…` 且未提供密钥的设备会显示在这里。</translation>
    </message>
    <message>
        <source>Select a device, choose its owner and approve it, or reject it.</source>
        <translation>选择设备，选择其所有者并批准，或拒绝。</translation>
    </message>
</context>
<context>
    <name>keel::gui::PolicyHistoryPanel</name>
    <message>
        <source>Policy history</source>
        <translation>策略历史</translation>
    </message>
    <message>
        <source>#</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Stored</source>
        <translation>保存时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>保存者</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Differences between the selected policy and the policy in force</source>
        <translation>所选策略与当前生效策略之间的差异</translation>
    </message>
    <message>
        <source>&amp;Roll back to this version</source>
        <translation>回滚到此版本(&amp;R)</translation>
    </message>
    <message>
        <source>Put the selected policy in force again</source>
        <translation>让所选策略重新生效</translation>
    </message>
    <message>
        <source>The server checks the old policy against today&apos;s users and nodes and runs its tests first</source>
        <translation>服务器会先根据当前的用户和节点检查旧策略并运行其测试</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Changes from the policy in force to the selected one:</source>
        <translation>从当前生效策略到所选策略的更改：</translation>
    </message>
    <message>
        <source>No history: %1</source>
        <translation>无历史：%1</translation>
    </message>
    <message>
        <source>in force</source>
        <translation>生效中</translation>
    </message>
    <message>
        <source>in force (%1)</source>
        <translation>生效中（%1）</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>The same as the policy in force.</source>
        <translation>与当前生效的策略相同。</translation>
    </message>
    <message>
        <source>Roll back the policy</source>
        <translation>回滚策略</translation>
    </message>
    <message>
        <source>Put policy %1 (stored %2) in force again for every node?</source>
        <translation>让策略 %1（保存于 %2）对所有节点重新生效？</translation>
    </message>
    <message>
        <source>Rolling back…</source>
        <translation>正在回滚…</translation>
    </message>
    <message>
        <source>Policy %1 is in force again.</source>
        <translation>策略 %1 已重新生效。</translation>
    </message>
    <message>
        <source>Not rolled back: %1</source>
        <translation>未回滚：%1</translation>
    </message>
</context>
<context>
    <name>keel::gui::PolicyPage</name>
    <message>
        <source>Policy text</source>
        <translation>策略文本</translation>
    </message>
    <message>
        <source>Changes against the policy in force</source>
        <translation>与当前生效策略的差异</translation>
    </message>
    <message>
        <source>Policy check result</source>
        <translation>策略检查结果</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save policy</source>
        <translation>保存策略</translation>
    </message>
    <message>
        <source>Checks the policy and runs its tests on the server, then puts it in force (Ctrl+S)</source>
        <translation>在服务器上检查策略并运行其测试，然后使其生效（Ctrl+S）</translation>
    </message>
    <message>
        <source>Re&amp;vert</source>
        <translation>还原(&amp;V)</translation>
    </message>
    <message>
        <source>Revert to the policy in force</source>
        <translation>还原为当前生效的策略</translation>
    </message>
    <message>
        <source>Show &amp;changes</source>
        <translation>显示更改(&amp;C)</translation>
    </message>
    <message>
        <source>Show changes against the policy in force</source>
        <translation>显示与当前生效策略的差异</translation>
    </message>
    <message>
        <source>Source node</source>
        <translation>源节点</translation>
    </message>
    <message>
        <source>Destination node</source>
        <translation>目标节点</translation>
    </message>
    <message>
        <source>Destination port</source>
        <translation>目标端口</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <source>&amp;Explain</source>
        <translation>解释(&amp;E)</translation>
    </message>
    <message>
        <source>Explain whether the source can reach the destination</source>
        <translation>解释源节点能否访问目标节点</translation>
    </message>
    <message>
        <source>Can a node reach another? (the policy in force)</source>
        <translation>一个节点能否访问另一个节点？（当前生效的策略）</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <source>port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation>第 %1 行，第 %2 列：%3</translation>
    </message>
    <message>
        <source>No policy: every node may reach every other node.</source>
        <translation>没有策略：每个节点都可以访问其他所有节点。</translation>
    </message>
    <message>
        <source>Checking on the server…</source>
        <translation>正在服务器上检查…</translation>
    </message>
    <message>
        <source>The policy is valid and its tests pass.</source>
        <translation>策略有效，且其测试全部通过。</translation>
    </message>
    <message>
        <source>The policy is valid and its tests pass (checked against %1).</source>
        <translation>策略有效，且其测试全部通过（检查依据：%1）。</translation>
    </message>
    <message>
        <source>Line %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <source>Saved: the policy is in force.</source>
        <translation>已保存：策略已生效。</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>No changes against the policy in force.</source>
        <translation>与当前生效的策略相比没有更改。</translation>
    </message>
    <message>
        <source>Asking…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <source>Allowed.</source>
        <translation>允许。</translation>
    </message>
    <message>
        <source>Not allowed.</source>
        <translation>不允许。</translation>
    </message>
    <message>
        <source>Rules: %1</source>
        <translation>规则：%1</translation>
    </message>
</context>
<context>
    <name>keel::gui::PreAuthKeyModel</name>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Reusable</source>
        <translation>可重复使用</translation>
    </message>
    <message>
        <source>Ephemeral</source>
        <translation>临时</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>已使用</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>过期时间</translation>
    </message>
    <message>
        <source>never</source>
        <translation>永不</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
</context>
<context>
    <name>keel::gui::RouteModel</name>
    <message>
        <source>%1 (exit node)</source>
        <translation>%1（出口节点）</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>已批准</translation>
    </message>
    <message>
        <source>not approved</source>
        <translation>未批准</translation>
    </message>
    <message>
        <source>primary</source>
        <translation>主</translation>
    </message>
    <message>
        <source>standby</source>
        <translation>备用</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>路由</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <source>Approval</source>
        <translation>批准状态</translation>
    </message>
    <message>
        <source>Serving</source>
        <translation>提供服务</translation>
    </message>
</context>
<context>
    <name>keel::gui::RoutesPage</name>
    <message>
        <source>Routes</source>
        <translation>路由</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>批准(&amp;A)</translation>
    </message>
    <message>
        <source>Approve route</source>
        <translation>批准路由</translation>
    </message>
    <message>
        <source>&amp;Withdraw approval</source>
        <translation>撤销批准(&amp;W)</translation>
    </message>
    <message>
        <source>Withdraw route approval</source>
        <translation>撤销路由批准</translation>
    </message>
    <message>
        <source>Subnet routes and exit nodes</source>
        <translation>子网路由与出口节点</translation>
    </message>
</context>
<context>
    <name>keel::gui::SecretDialog</name>
    <message>
        <source>&lt;b&gt;This is the only time the key is shown.&lt;/b&gt; Copy it now: the server keeps only a hash of it.</source>
        <translation>&lt;b&gt;密钥仅显示这一次。&lt;/b&gt;请立即复制：服务器只保存其哈希值。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy %1</source>
        <translation>复制%1</translation>
    </message>
    <message>
        <source>&amp;Key:</source>
        <translation>密钥(&amp;K)：</translation>
    </message>
    <message>
        <source>the key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation>命令(&amp;C)：</translation>
    </message>
    <message>
        <source>the command line</source>
        <translation>命令行</translation>
    </message>
    <message>
        <source>QR code of the command line</source>
        <translation>命令行的二维码</translation>
    </message>
    <message>
        <source>Scan it on the device that should join (e.g. a phone with the Tailscale app: it shows the login server and key).</source>
        <translation>在要加入的设备上扫描（例如装有 Tailscale 应用的手机：会显示登录服务器和密钥）。</translation>
    </message>
</context>
<context>
    <name>keel::gui::ServerSession</name>
    <message>
        <source>Not connected to %1; trying again.</source>
        <translation>未连接到 %1；正在重试。</translation>
    </message>
    <message>
        <source>Not connected: %1. Trying again.</source>
        <translation>未连接：%1。正在重试。</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>已连接到 %1</translation>
    </message>
    <message>
        <source>Connected to %1 (no live updates: this server has no event stream, the lists are re-read every 10 s)</source>
        <translation>已连接到 %1（无实时更新：此服务器没有事件流，列表每 10 秒重新读取一次）</translation>
    </message>
</context>
<context>
    <name>keel::gui::SseSubscription</name>
    <message>
        <source>the stream went silent</source>
        <translation>数据流已无响应</translation>
    </message>
    <message>
        <source>the server ended the stream</source>
        <translation>服务器结束了数据流</translation>
    </message>
</context>
<context>
    <name>keel::gui::TrayIcon</name>
    <message>
        <source>Show Keel Manager</source>
        <translation>显示 Keel Manager</translation>
    </message>
    <message>
        <source>Stop the server and quit</source>
        <translation>停止服务器并退出</translation>
    </message>
    <message>
        <source>Keel server: %1</source>
        <translation>Keel 服务器：%1</translation>
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
        <translation>名称</translation>
    </message>
    <message>
        <source>Display name</source>
        <translation>显示名称</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>电子邮件</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
</context>
<context>
    <name>keel::gui::UsersPage</name>
    <message>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Pre-auth keys</source>
        <translation>预授权密钥</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>&amp;Add user…</source>
        <translation>添加用户(&amp;A)…</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>重命名(&amp;R)…</translation>
    </message>
    <message>
        <source>Rename user</source>
        <translation>重命名用户</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>Delete user</source>
        <translation>删除用户</translation>
    </message>
    <message>
        <source>&amp;New pre-auth key…</source>
        <translation>新建预授权密钥(&amp;N)…</translation>
    </message>
    <message>
        <source>New pre-auth key</source>
        <translation>新建预授权密钥</translation>
    </message>
    <message>
        <source>E&amp;xpire key</source>
        <translation>使密钥过期(&amp;X)</translation>
    </message>
    <message>
        <source>Expire pre-auth key</source>
        <translation>使预授权密钥过期</translation>
    </message>
    <message>
        <source>New &amp;API key…</source>
        <translation>新建 API 密钥(&amp;A)…</translation>
    </message>
    <message>
        <source>New API key</source>
        <translation>新建 API 密钥</translation>
    </message>
    <message>
        <source>Expire API key</source>
        <translation>使 API 密钥过期</translation>
    </message>
    <message>
        <source>Pre-auth keys (let devices join without approval)</source>
        <translation>预授权密钥（设备无需批准即可加入）</translation>
    </message>
    <message>
        <source>API keys (for remote administration)</source>
        <translation>API 密钥（用于远程管理）</translation>
    </message>
    <message>
        <source>User name (letters, digits, &apos;.&apos;, &apos;-&apos;, &apos;_&apos;, &apos;@&apos;):</source>
        <translation>用户名（字母、数字、&apos;.&apos;、&apos;-&apos;、&apos;_&apos;、&apos;@&apos;）：</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <source>Delete user %1? A user who still owns nodes cannot be deleted.</source>
        <translation>删除用户 %1？仍拥有节点的用户无法删除。</translation>
    </message>
    <message>
        <source>Key owner</source>
        <translation>密钥所有者</translation>
    </message>
    <message>
        <source>(none: a tagged key)</source>
        <translation>（无：带标签的密钥）</translation>
    </message>
    <message>
        <source>Reusable (for several devices)</source>
        <translation>可重复使用（用于多台设备）</translation>
    </message>
    <message>
        <source>Ephemeral (the node is removed when it goes offline)</source>
        <translation>临时（节点离线时将被删除）</translation>
    </message>
    <message>
        <source> hours</source>
        <translation> 小时</translation>
    </message>
    <message>
        <source>Key lifetime in hours</source>
        <translation>密钥有效期（小时）</translation>
    </message>
    <message>
        <source>tag:server (optional)</source>
        <translation>tag:server（可选）</translation>
    </message>
    <message>
        <source>Key tags</source>
        <translation>密钥标签</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>用户(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Valid for:</source>
        <translation>有效期(&amp;V)：</translation>
    </message>
    <message>
        <source>&amp;Tags:</source>
        <translation>标签(&amp;T)：</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Valid for (days):</source>
        <translation>有效期（天）：</translation>
    </message>
</context>
</TS>
