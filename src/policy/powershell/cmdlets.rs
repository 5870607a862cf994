//! The cmdlets the analysis knows by name: their aliases, the parameters it must tell
//! apart (which take a value, which are switches, in which position each binds), and the
//! lists of cmdlets known to write nothing. A command found in none of these is unknown,
//! and the walker treats every literal argument it gets as a path it may write.
//!
//! PowerShell accepts any unambiguous prefix of a parameter name or alias (`-Pa`, `-Lit`,
//! `-Dest`); [`bind`] resolves them the same way against each cmdlet's table plus the
//! common parameters every cmdlet has.

use super::parse::Arg;

#[derive(Debug)]
pub(super) struct Param {
    pub(super) name: &'static str,
    pub(super) aliases: &'static [&'static str],
    pub(super) takes_value: bool,
}

const fn val(name: &'static str, aliases: &'static [&'static str]) -> Param {
    Param {
        name,
        aliases,
        takes_value: true,
    }
}

const fn sw(name: &'static str, aliases: &'static [&'static str]) -> Param {
    Param {
        name,
        aliases,
        takes_value: false,
    }
}

#[derive(Debug)]
pub(super) struct Spec {
    /// The canonical name, lowercase.
    pub(super) name: &'static str,
    pub(super) aliases: &'static [&'static str],
    pub(super) params: &'static [&'static [Param]],
    /// The parameters positional arguments bind to, in order.
    pub(super) positions: &'static [&'static str],
}

const COMMON: &[Param] = &[
    sw("verbose", &["vb"]),
    sw("debug", &["db"]),
    val("erroraction", &["ea"]),
    val("warningaction", &["wa"]),
    val("informationaction", &["infa"]),
    val("progressaction", &["proga"]),
    val("errorvariable", &["ev"]),
    val("warningvariable", &["wv"]),
    val("informationvariable", &["iv"]),
    val("outvariable", &["ov"]),
    val("outbuffer", &["ob"]),
    val("pipelinevariable", &["pv"]),
    sw("whatif", &["wi"]),
    sw("confirm", &["cf"]),
    sw("usetransaction", &["usetx"]),
];

const PATHS: &[Param] = &[val("path", &[]), val("literalpath", &["pspath", "lp"])];
const FILTERS: &[Param] = &[
    val("filter", &[]),
    val("include", &[]),
    val("exclude", &[]),
    sw("force", &[]),
    val("credential", &[]),
];
const PASSTHRU: &[Param] = &[sw("passthru", &[])];
const CONTENT: &[Param] = &[
    val("value", &[]),
    val("encoding", &[]),
    sw("nonewline", &[]),
    sw("asbytestream", &[]),
    val("stream", &[]),
];
const WEB: &[Param] = &[
    val("uri", &[]),
    val("outfile", &[]),
    val("method", &[]),
    val("body", &[]),
    val("headers", &[]),
    val("contenttype", &[]),
    val("infile", &[]),
    val("useragent", &[]),
    val("websession", &[]),
    val("sessionvariable", &["sv"]),
    val("credential", &[]),
    val("certificate", &[]),
    val("certificatethumbprint", &[]),
    val("proxy", &[]),
    val("proxycredential", &[]),
    val("timeoutsec", &[]),
    val("connectiontimeoutseconds", &[]),
    val("operationtimeoutseconds", &[]),
    val("maximumredirection", &[]),
    val("maximumretrycount", &[]),
    val("retryintervalsec", &[]),
    val("transferencoding", &[]),
    val("form", &[]),
    val("authentication", &[]),
    val("token", &[]),
    val("sslprotocol", &[]),
    val("custommethod", &["cm"]),
    val("httpversion", &[]),
    val("unixsocket", &[]),
    val("responseheadersvariable", &["rhv"]),
    val("statuscodevariable", &[]),
    val("maximumfollowrellink", &["ml"]),
    sw("followrellink", &["fl"]),
    sw("resume", &[]),
    sw("skiphttperrorcheck", &[]),
    sw("preserveauthorizationonredirect", &[]),
    sw("usebasicparsing", &[]),
    sw("usedefaultcredentials", &[]),
    sw("disablekeepalive", &[]),
    sw("passthru", &[]),
    sw("skipcertificatecheck", &[]),
    sw("skipheadervalidation", &[]),
    sw("noproxy", &[]),
    sw("allowunencryptedauthentication", &[]),
    sw("allowinsecureredirect", &[]),
    sw("preservehttpmethodonredirect", &[]),
];
const PROPERTY: &[Param] = &[val("name", &[]), val("value", &[])];
const DESTINATION: &[Param] = &[val("destination", &[])];
const VARIABLE: &[Param] = &[
    val("name", &[]),
    val("value", &[]),
    val("include", &[]),
    val("exclude", &[]),
    val("description", &[]),
    val("option", &[]),
    sw("force", &[]),
    val("visibility", &[]),
    sw("passthru", &[]),
    val("scope", &[]),
];
const ALIAS: &[Param] = &[
    val("name", &[]),
    val("value", &[]),
    val("description", &[]),
    val("option", &[]),
    sw("passthru", &[]),
    val("scope", &[]),
    sw("force", &[]),
];
const LOCATION: &[Param] = &[sw("passthru", &[]), val("stackname", &[])];
const EXPORT: &[Param] = &[
    val("path", &["filepath"]),
    val("literalpath", &["pspath", "lp"]),
    val("inputobject", &[]),
    sw("force", &[]),
    sw("noclobber", &["nooverwrite"]),
    val("encoding", &[]),
];

const SPECS: &[Spec] = &[
    // Writers.
    Spec {
        name: "set-content",
        aliases: &["sc"],
        params: &[PATHS, FILTERS, PASSTHRU, CONTENT],
        positions: &["path", "value"],
    },
    Spec {
        name: "add-content",
        aliases: &["ac"],
        params: &[PATHS, FILTERS, PASSTHRU, CONTENT],
        positions: &["path", "value"],
    },
    Spec {
        name: "clear-content",
        aliases: &["clc"],
        params: &[PATHS, FILTERS, &[val("stream", &[])]],
        positions: &["path"],
    },
    Spec {
        name: "out-file",
        aliases: &[],
        params: &[&[
            val("filepath", &["path"]),
            val("literalpath", &["pspath", "lp"]),
            val("encoding", &[]),
            sw("append", &[]),
            sw("force", &[]),
            sw("noclobber", &["nooverwrite"]),
            val("width", &[]),
            sw("nonewline", &[]),
            val("inputobject", &[]),
        ]],
        positions: &["filepath", "encoding"],
    },
    Spec {
        name: "tee-object",
        aliases: &["tee"],
        params: &[&[
            val("filepath", &["path"]),
            val("literalpath", &["pspath", "lp"]),
            sw("append", &[]),
            val("encoding", &[]),
            val("variable", &[]),
            val("inputobject", &[]),
        ]],
        positions: &["filepath"],
    },
    Spec {
        name: "new-item",
        aliases: &["ni", "mkdir", "md"],
        params: &[&[
            val("path", &[]),
            val("name", &[]),
            val("itemtype", &["type"]),
            val("value", &["target"]),
            sw("force", &[]),
            val("credential", &[]),
        ]],
        positions: &["path"],
    },
    Spec {
        name: "remove-item",
        aliases: &["ri", "rm", "rmdir", "del", "erase", "rd"],
        params: &[PATHS, FILTERS, &[sw("recurse", &[]), val("stream", &[])]],
        positions: &["path"],
    },
    Spec {
        name: "copy-item",
        aliases: &["cpi", "cp", "copy"],
        params: &[
            PATHS,
            DESTINATION,
            FILTERS,
            PASSTHRU,
            &[
                sw("container", &[]),
                sw("recurse", &[]),
                val("fromsession", &[]),
                val("tosession", &[]),
            ],
        ],
        positions: &["path", "destination"],
    },
    Spec {
        name: "move-item",
        aliases: &["mi", "mv", "move"],
        params: &[PATHS, DESTINATION, FILTERS, PASSTHRU],
        positions: &["path", "destination"],
    },
    Spec {
        name: "rename-item",
        aliases: &["rni", "ren"],
        params: &[
            PATHS,
            &[
                val("newname", &[]),
                sw("force", &[]),
                val("credential", &[]),
            ],
            PASSTHRU,
        ],
        positions: &["path", "newname"],
    },
    Spec {
        name: "clear-item",
        aliases: &["cli"],
        params: &[PATHS, FILTERS],
        positions: &["path"],
    },
    Spec {
        name: "set-item",
        aliases: &["si"],
        params: &[PATHS, FILTERS, PASSTHRU, &[val("value", &[])]],
        positions: &["path", "value"],
    },
    Spec {
        name: "set-itemproperty",
        aliases: &["sp"],
        params: &[
            PATHS,
            PROPERTY,
            FILTERS,
            PASSTHRU,
            &[val("inputobject", &[]), val("type", &[])],
        ],
        positions: &["path", "name", "value"],
    },
    Spec {
        name: "new-itemproperty",
        aliases: &[],
        params: &[PATHS, PROPERTY, FILTERS, &[val("propertytype", &["type"])]],
        positions: &["path", "name"],
    },
    Spec {
        name: "remove-itemproperty",
        aliases: &["rp"],
        params: &[PATHS, &[val("name", &[])], FILTERS],
        positions: &["path", "name"],
    },
    Spec {
        name: "clear-itemproperty",
        aliases: &["clp"],
        params: &[PATHS, &[val("name", &[])], FILTERS, PASSTHRU],
        positions: &["path", "name"],
    },
    Spec {
        name: "rename-itemproperty",
        aliases: &["rnp"],
        params: &[
            PATHS,
            &[val("name", &[]), val("newname", &[])],
            FILTERS,
            PASSTHRU,
        ],
        positions: &["path", "name", "newname"],
    },
    Spec {
        name: "copy-itemproperty",
        aliases: &["cpp"],
        params: &[PATHS, DESTINATION, &[val("name", &[])], FILTERS, PASSTHRU],
        positions: &["path", "destination", "name"],
    },
    Spec {
        name: "move-itemproperty",
        aliases: &["mp"],
        params: &[PATHS, DESTINATION, &[val("name", &[])], FILTERS, PASSTHRU],
        positions: &["path", "destination", "name"],
    },
    Spec {
        name: "set-acl",
        aliases: &[],
        params: &[
            PATHS,
            &[
                val("aclobject", &[]),
                val("inputobject", &[]),
                val("centralaccesspolicy", &[]),
                sw("clearcentralaccesspolicy", &[]),
                val("filter", &[]),
                val("include", &[]),
                val("exclude", &[]),
            ],
            PASSTHRU,
        ],
        positions: &["path", "aclobject"],
    },
    Spec {
        name: "export-csv",
        aliases: &["epcsv"],
        params: &[
            EXPORT,
            &[
                val("delimiter", &[]),
                sw("append", &[]),
                sw("useculture", &[]),
                sw("notypeinformation", &["nti"]),
                sw("includetypeinformation", &["iti"]),
                val("quotefields", &["qf"]),
                val("usequotes", &["uq"]),
                sw("noheader", &[]),
            ],
        ],
        positions: &["path", "delimiter"],
    },
    Spec {
        name: "export-clixml",
        aliases: &[],
        params: &[EXPORT, &[val("depth", &[])]],
        positions: &["path"],
    },
    Spec {
        name: "export-alias",
        aliases: &["epal"],
        params: &[
            EXPORT,
            &[
                val("name", &[]),
                sw("passthru", &[]),
                val("as", &[]),
                sw("append", &[]),
                val("description", &[]),
                val("scope", &[]),
            ],
        ],
        positions: &["path", "name"],
    },
    Spec {
        name: "export-formatdata",
        aliases: &[],
        params: &[EXPORT, &[sw("includescriptblock", &[])]],
        positions: &[],
    },
    Spec {
        name: "start-transcript",
        aliases: &[],
        params: &[&[
            val("path", &[]),
            val("literalpath", &["pspath", "lp"]),
            val("outputdirectory", &[]),
            sw("append", &[]),
            sw("force", &[]),
            sw("noclobber", &["nooverwrite"]),
            sw("includeinvocationheader", &[]),
            sw("useminimalheader", &[]),
        ]],
        positions: &["path"],
    },
    Spec {
        name: "expand-archive",
        aliases: &[],
        params: &[&[
            val("path", &[]),
            val("literalpath", &["pspath"]),
            val("destinationpath", &[]),
            sw("force", &[]),
            sw("passthru", &[]),
        ]],
        positions: &["path", "destinationpath"],
    },
    Spec {
        name: "compress-archive",
        aliases: &[],
        params: &[&[
            val("path", &[]),
            val("literalpath", &["pspath"]),
            val("destinationpath", &[]),
            val("compressionlevel", &[]),
            sw("update", &[]),
            sw("force", &[]),
            sw("passthru", &[]),
        ]],
        positions: &["path", "destinationpath"],
    },
    Spec {
        name: "invoke-webrequest",
        aliases: &["iwr", "curl", "wget"],
        params: &[WEB],
        positions: &["uri"],
    },
    Spec {
        name: "invoke-restmethod",
        aliases: &["irm"],
        params: &[WEB],
        positions: &["uri"],
    },
    Spec {
        name: "start-bitstransfer",
        aliases: &[],
        params: &[&[
            val("source", &[]),
            val("destination", &[]),
            val("credential", &[]),
            val("authentication", &[]),
            val("description", &[]),
            val("displayname", &[]),
            val("priority", &[]),
            sw("asynchronous", &[]),
            sw("suspended", &[]),
            val("transfertype", &[]),
            val("proxyusage", &[]),
            val("proxylist", &[]),
            val("proxyauthentication", &[]),
            val("proxycredential", &[]),
            val("retryinterval", &[]),
            val("retrytimeout", &[]),
            val("transferpolicy", &[]),
            val("customheaders", &[]),
            sw("usestoredcredential", &[]),
            val("maxdownloadtime", &[]),
            sw("dynamic", &[]),
        ]],
        positions: &["source", "destination"],
    },
    Spec {
        name: "save-help",
        aliases: &[],
        params: &[&[
            val("destinationpath", &["path"]),
            val("literalpath", &["pspath", "lp"]),
            val("module", &["name"]),
            val("fullyqualifiedmodule", &[]),
            val("uiculture", &[]),
            val("credential", &[]),
            sw("usedefaultcredentials", &[]),
            sw("force", &[]),
            val("scope", &[]),
        ]],
        positions: &["destinationpath", "module", "uiculture"],
    },
    Spec {
        name: "unblock-file",
        aliases: &[],
        params: &[PATHS],
        positions: &["path"],
    },
    // The location.
    Spec {
        name: "set-location",
        aliases: &["sl", "cd", "chdir"],
        params: &[PATHS, LOCATION],
        positions: &["path"],
    },
    Spec {
        name: "push-location",
        aliases: &["pushd"],
        params: &[PATHS, LOCATION],
        positions: &["path"],
    },
    Spec {
        name: "pop-location",
        aliases: &["popd"],
        params: &[LOCATION],
        positions: &[],
    },
    // Variables and aliases: no files, but they change what later names mean.
    Spec {
        name: "set-variable",
        aliases: &["set", "sv"],
        params: &[VARIABLE],
        positions: &["name", "value"],
    },
    Spec {
        name: "new-variable",
        aliases: &["nv"],
        params: &[VARIABLE],
        positions: &["name", "value"],
    },
    Spec {
        name: "clear-variable",
        aliases: &["clv"],
        params: &[VARIABLE],
        positions: &["name"],
    },
    Spec {
        name: "remove-variable",
        aliases: &["rv"],
        params: &[VARIABLE],
        positions: &["name"],
    },
    Spec {
        name: "set-alias",
        aliases: &["sal"],
        params: &[ALIAS],
        positions: &["name", "value"],
    },
    Spec {
        name: "new-alias",
        aliases: &["nal"],
        params: &[ALIAS],
        positions: &["name", "value"],
    },
    Spec {
        name: "remove-alias",
        aliases: &["ral"],
        params: &[ALIAS],
        positions: &["name"],
    },
    // Commands that run other code.
    Spec {
        name: "invoke-expression",
        aliases: &["iex"],
        params: &[&[val("command", &[])]],
        positions: &["command"],
    },
    Spec {
        name: "start-process",
        aliases: &["saps", "start"],
        params: &[&[
            val("filepath", &["pspath", "path"]),
            val("argumentlist", &["args"]),
            val("credential", &[]),
            val("workingdirectory", &[]),
            sw("loaduserprofile", &["lup"]),
            sw("nonewwindow", &["nnw"]),
            sw("passthru", &[]),
            val("redirectstandarderror", &["rse"]),
            val("redirectstandardinput", &["rsi"]),
            val("redirectstandardoutput", &["rso"]),
            val("verb", &[]),
            val("windowstyle", &[]),
            sw("wait", &[]),
            sw("usenewenvironment", &[]),
            val("environment", &[]),
        ]],
        positions: &["filepath", "argumentlist"],
    },
    Spec {
        name: "new-object",
        aliases: &[],
        params: &[&[
            val("typename", &[]),
            val("argumentlist", &["args"]),
            val("property", &[]),
            val("comobject", &[]),
            sw("strict", &[]),
        ]],
        positions: &["typename", "argumentlist"],
    },
    // Readers whose output the analysis follows down a pipeline.
    Spec {
        name: "foreach-object",
        aliases: &["foreach", "%"],
        params: &[&[
            val("process", &[]),
            val("begin", &[]),
            val("end", &[]),
            val("remainingscripts", &[]),
            val("membername", &[]),
            val("argumentlist", &["args"]),
            val("inputobject", &[]),
            val("parallel", &[]),
            val("throttlelimit", &[]),
            val("timeoutseconds", &[]),
            sw("asjob", &[]),
            sw("usenewrunspace", &[]),
        ]],
        positions: &[],
    },
    Spec {
        name: "get-childitem",
        aliases: &["gci", "ls", "dir"],
        params: &[
            PATHS,
            &[
                val("filter", &[]),
                val("include", &[]),
                val("exclude", &[]),
                sw("recurse", &[]),
                val("depth", &[]),
                sw("force", &[]),
                sw("name", &[]),
                val("attributes", &[]),
                sw("followsymlink", &[]),
                sw("directory", &["ad", "d"]),
                sw("file", &["af"]),
                sw("hidden", &["ah", "h"]),
                sw("readonly", &["ar"]),
                sw("system", &["as"]),
            ],
        ],
        positions: &["path", "filter"],
    },
    Spec {
        name: "get-item",
        aliases: &["gi"],
        params: &[PATHS, FILTERS, &[val("stream", &[])]],
        positions: &["path"],
    },
    Spec {
        name: "resolve-path",
        aliases: &["rvpa"],
        params: &[
            PATHS,
            &[
                sw("relative", &[]),
                val("relativebasepath", &[]),
                val("credential", &[]),
                sw("force", &[]),
            ],
        ],
        positions: &["path"],
    },
    Spec {
        name: "convert-path",
        aliases: &["cvpa"],
        params: &[PATHS],
        positions: &["path"],
    },
    Spec {
        name: "get-location",
        aliases: &["gl", "pwd"],
        params: &[&[
            val("psprovider", &[]),
            val("psdrive", &[]),
            sw("stack", &[]),
            val("stackname", &[]),
        ]],
        positions: &[],
    },
    Spec {
        name: "join-path",
        aliases: &[],
        params: &[&[
            val("path", &["pspath"]),
            val("childpath", &[]),
            val("additionalchildpath", &[]),
            sw("resolve", &[]),
            val("credential", &[]),
            val("extension", &[]),
        ]],
        positions: &["path", "childpath", "additionalchildpath"],
    },
    Spec {
        name: "write-output",
        aliases: &["echo", "write"],
        params: &[&[val("inputobject", &[]), sw("noenumerate", &[])]],
        positions: &["inputobject"],
    },
    Spec {
        name: "select-object",
        aliases: &["select"],
        params: &[&[
            val("property", &[]),
            val("excludeproperty", &[]),
            val("expandproperty", &[]),
            sw("unique", &[]),
            sw("casesensitive", &[]),
            val("last", &[]),
            val("first", &[]),
            val("skip", &[]),
            val("skiplast", &[]),
            sw("wait", &[]),
            val("index", &[]),
            val("skipindex", &[]),
            val("inputobject", &[]),
        ]],
        positions: &["property"],
    },
];

/// Cmdlets (and aliases) that write no file whatever their arguments; the ones with a
/// table in [`SPECS`] are listed there instead.
const READ_ONLY: &[&str] = &[
    "get-content",
    "gc",
    "cat",
    "type",
    "get-itemproperty",
    "gp",
    "get-itempropertyvalue",
    "gpv",
    "test-path",
    "split-path",
    "get-psdrive",
    "gdr",
    "get-psprovider",
    "select-string",
    "sls",
    "select-xml",
    "write-host",
    "write-error",
    "write-verbose",
    "write-warning",
    "write-debug",
    "write-information",
    "write-progress",
    "out-host",
    "oh",
    "out-string",
    "out-null",
    "out-default",
    "out-printer",
    "out-gridview",
    "ogv",
    "format-table",
    "ft",
    "format-list",
    "fl",
    "format-wide",
    "fw",
    "format-custom",
    "fc",
    "format-hex",
    "fhx",
    "where-object",
    "where",
    "?",
    "sort-object",
    "sort",
    "measure-object",
    "measure",
    "group-object",
    "group",
    "compare-object",
    "compare",
    "diff",
    "get-unique",
    "gu",
    "convertto-json",
    "convertfrom-json",
    "convertto-csv",
    "convertfrom-csv",
    "convertto-html",
    "convertto-xml",
    "convertfrom-stringdata",
    "convertfrom-markdown",
    "convertto-securestring",
    "convertfrom-securestring",
    "convertfrom-sddlstring",
    "import-csv",
    "ipcsv",
    "import-clixml",
    "import-powershelldatafile",
    "get-filehash",
    "get-date",
    "get-process",
    "gps",
    "ps",
    "get-command",
    "gcm",
    "get-help",
    "help",
    "man",
    "get-member",
    "gm",
    "get-variable",
    "gv",
    "get-alias",
    "gal",
    "get-module",
    "gmo",
    "get-host",
    "get-culture",
    "get-uiculture",
    "get-random",
    "get-uptime",
    "get-error",
    "get-history",
    "h",
    "history",
    "ghy",
    "get-job",
    "gjb",
    "receive-job",
    "rcjb",
    "wait-job",
    "wjb",
    "get-service",
    "gsv",
    "get-acl",
    "get-authenticodesignature",
    "get-verb",
    "get-timezone",
    "get-event",
    "get-pscallstack",
    "gcs",
    "get-runspace",
    "get-typedata",
    "get-formatdata",
    "get-psreadlineoption",
    "get-computerinfo",
    "get-ciminstance",
    "gcim",
    "get-wmiobject",
    "gwmi",
    "get-winevent",
    "get-hotfix",
    "get-clipboard",
    "gcb",
    "get-credential",
    "get-psbreakpoint",
    "gbp",
    "get-pssession",
    "gsn",
    "get-localuser",
    "get-localgroup",
    "test-connection",
    "test-json",
    "test-netconnection",
    "test-modulemanifest",
    "test-wsman",
    "start-sleep",
    "sleep",
    "measure-command",
    "new-guid",
    "new-timespan",
    "new-temporaryfile",
    "update-typedata",
    "update-formatdata",
    "export-modulemember",
    "set-strictmode",
    "set-psdebug",
    "set-clipboard",
    "scb",
    "read-host",
    "clear-host",
    "cls",
    "clear",
    "wait-process",
    "add-member",
    "show-markdown",
];

/// Read-only cmdlets that run their script-block arguments at once, for each input
/// object (`ForEach-Object { }`, `Where-Object { }`, calculated properties).
const RUN_BLOCKS: &[&str] = &[
    "foreach-object",
    "where-object",
    "where",
    "?",
    "sort-object",
    "sort",
    "measure-object",
    "measure",
    "group-object",
    "group",
    "select-object",
    "format-table",
    "ft",
    "format-list",
    "fl",
    "format-wide",
    "fw",
    "format-custom",
    "fc",
    "compare-object",
    "compare",
    "diff",
    "measure-command",
];

/// Windows aliases that name a native program on Linux and macOS instead, where
/// PowerShell drops them: the command may mean either.
const NATIVE_ON_UNIX: &[&str] = &[
    "ls", "cp", "mv", "rm", "rmdir", "cat", "tee", "sort", "diff", "kill", "ps", "sleep", "man",
    "mount", "write", "cpp", "curl", "wget", "mkdir",
];

/// The table of `name` (a canonical name or an alias, lowercase).
pub(super) fn find(name: &str) -> Option<&'static Spec> {
    SPECS
        .iter()
        .find(|s| s.name == name || s.aliases.contains(&name))
}

pub(super) fn read_only(name: &str) -> bool {
    // Conversions and formatting only turn objects into other objects or text.
    READ_ONLY.contains(&name)
        || ["convertto-", "convertfrom-", "format-"]
            .iter()
            .any(|p| name.starts_with(p))
}

pub(super) fn runs_blocks(name: &str) -> bool {
    RUN_BLOCKS.contains(&name) || find(name).is_some_and(|s| RUN_BLOCKS.contains(&s.name))
}

pub(super) fn native_on_unix(name: &str) -> bool {
    NATIVE_ON_UNIX.contains(&name)
}

/// Where each argument of a command goes.
#[derive(Debug, Clone, Copy)]
pub(super) enum Bound {
    /// A `-Name` token: the parameter it names, `None` when the command has no such
    /// parameter (or is not in a table).
    Param(Option<&'static Param>),
    /// A value, and the parameter it binds to (`None`: no parameter takes it), by
    /// position or after the parameter's name.
    Value(Option<&'static str>, bool),
    Other,
}

#[derive(Debug)]
pub(super) struct Binding {
    /// One entry per argument, in order.
    pub(super) slots: Vec<Bound>,
    /// A parameter name was not recognised or was ambiguous, so positions may be off.
    pub(super) uncertain: bool,
}

enum Lookup {
    Found(&'static Param),
    Ambiguous(Vec<&'static Param>),
    Missing,
}

fn lookup(spec: &'static Spec, name: &str) -> Lookup {
    let name = name.to_lowercase();
    let all = || {
        spec.params
            .iter()
            .flat_map(|g| g.iter())
            .chain(COMMON.iter())
    };
    if let Some(p) = all().find(|p| p.name == name || p.aliases.contains(&name.as_str())) {
        return Lookup::Found(p);
    }
    let mut found: Vec<&'static Param> = Vec::new();
    for p in all() {
        let hit = p.name.starts_with(&name) || p.aliases.iter().any(|a| a.starts_with(&name));
        if hit && !found.iter().any(|f| f.name == p.name) {
            found.push(p);
        }
    }
    match found.len() {
        0 => Lookup::Missing,
        1 => Lookup::Found(found[0]),
        _ => Lookup::Ambiguous(found),
    }
}

/// Binds `args` to `spec`'s parameters the way PowerShell's parameter binder would:
/// named parameters first (by name, alias or unambiguous prefix), then the remaining
/// values to the positional parameters in order. With no table, nothing binds.
pub(super) fn bind(spec: Option<&'static Spec>, args: &[Arg]) -> Binding {
    let mut slots = Vec::with_capacity(args.len());
    let mut uncertain = false;
    let mut named: Vec<&'static str> = Vec::new();
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match &args[i] {
            Arg::Param { name, value, .. } => {
                let found = match spec {
                    Some(s) => lookup(s, name),
                    None => Lookup::Missing,
                };
                let p = match found {
                    Lookup::Found(p) => Some(p),
                    Lookup::Ambiguous(ps) => {
                        // PowerShell refuses the command; should the table be wrong, the
                        // value still binds where it can do the most.
                        uncertain = true;
                        ps.iter().find(|p| p.takes_value).or(ps.first()).copied()
                    }
                    Lookup::Missing => {
                        uncertain |= spec.is_some();
                        None
                    }
                };
                slots.push(Bound::Param(p));
                if let Some(p) = p.filter(|p| p.takes_value) {
                    named.push(p.name);
                    if value.is_none() && matches!(args.get(i + 1), Some(Arg::Value(_))) {
                        slots.push(Bound::Value(Some(p.name), false));
                        i += 1;
                    }
                }
            }
            Arg::Value(_) => {
                positional.push(slots.len());
                slots.push(Bound::Value(None, true));
            }
            Arg::Stop(_) | Arg::EndOfParams => slots.push(Bound::Other),
        }
        i += 1;
    }
    if let Some(spec) = spec {
        let mut free: Vec<&'static str> = spec
            .positions
            .iter()
            .copied()
            .filter(|p| !named.contains(p))
            .collect();
        // `-LiteralPath` belongs to the parameter set that has no positional path.
        if named.contains(&"literalpath")
            && free
                .first()
                .is_some_and(|p| matches!(*p, "path" | "filepath" | "destinationpath"))
        {
            free.remove(0);
        }
        for (k, idx) in positional.into_iter().enumerate() {
            if let Some(p) = free.get(k) {
                slots[idx] = Bound::Value(Some(p), true);
            }
        }
    }
    Binding { slots, uncertain }
}
