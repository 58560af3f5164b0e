//! Differential test of `alertmeshctl check-config` against Debian's `amtool check-config` (0.25)
//! over the corpus in `tests/check-config/` (see its README). Both tools check every corpus file
//! in one batch call; the reports are split per file and compared:
//!
//! - `valid/` and `invalid/`: same accept/reject as amtool, and for accepted files the same summary
//!   lines; amtool's own verdict must match the folder (keeps the corpus honest);
//! - `newer/`: amtool rejects, we accept (0.26–0.28 features);
//! - `stricter/`: amtool accepts, we reject (rules added after 0.25);
//! - `# expect-line:` / `# expect-error:` annotations: our error names the right line and says
//!   the right thing.
//!
//! Every disagreement is collected and the test fails once, listing all of them (except the
//! documented `KNOWN_DISAGREEMENTS`, which must keep disagreeing).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Corpus files on which we knowingly still disagree with amtool, each with the reason (a bug
/// reported to the owners of `am-config`). The test fails when one of them starts to agree, so
/// the entry is removed together with the fix.
const KNOWN_DISAGREEMENTS: &[(&str, &str)] = &[];

/// The corpus folders and what each tool must say about their files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Folder {
    Valid,
    Invalid,
    Newer,
    Stricter,
}

impl Folder {
    const ALL: [Folder; 4] = [
        Folder::Valid,
        Folder::Invalid,
        Folder::Newer,
        Folder::Stricter,
    ];

    fn name(self) -> &'static str {
        match self {
            Folder::Valid => "valid",
            Folder::Invalid => "invalid",
            Folder::Newer => "newer",
            Folder::Stricter => "stricter",
        }
    }

    /// (amtool accepts, we accept)
    fn expected(self) -> (bool, bool) {
        match self {
            Folder::Valid => (true, true),
            Folder::Invalid => (false, false),
            Folder::Newer => (false, true),
            Folder::Stricter => (true, false),
        }
    }
}

/// One tool's report for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Report {
    /// The configuration loaded (`SUCCESS` on the `Checking` line).
    config_ok: bool,
    /// The lines from `Found:` to ` - N templates`, plus the template status line if any.
    summary: Vec<String>,
    /// The whole block, for error messages.
    text: String,
}

impl Report {
    fn accepted(&self) -> bool {
        self.config_ok && !self.summary.iter().any(|l| l.starts_with("  FAILED"))
    }
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/check-config")
}

/// Corpus files as paths relative to the corpus directory, with their folder.
fn corpus_files() -> Vec<(Folder, String)> {
    let mut files = Vec::new();
    for folder in Folder::ALL {
        let dir = corpus_dir().join(folder.name());
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".yml"))
            .collect();
        names.sort();
        files.extend(
            names
                .into_iter()
                .map(|n| (folder, format!("{}/{n}", folder.name()))),
        );
    }
    files
}

/// Runs `<tool> check-config FILES...` in the corpus directory; returns stdout and stderr.
fn run_batch(tool: &Path, files: &[String]) -> (String, String) {
    let output = Command::new(tool)
        .arg("check-config")
        .args(files)
        .current_dir(corpus_dir())
        .env_remove("HOME")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Splits a batch report into per-file reports, in argument order.
fn split_reports(stdout: &str, files: &[String]) -> Vec<Option<Report>> {
    let markers: Vec<Option<usize>> = {
        let mut from = 0;
        files
            .iter()
            .map(|file| {
                let marker = format!("Checking '{file}'");
                let at = stdout[from..].find(&marker).map(|i| from + i)?;
                from = at + marker.len();
                Some(at)
            })
            .collect()
    };
    (0..files.len())
        .map(|i| {
            let start = markers[i]?;
            let end = markers[i + 1..]
                .iter()
                .flatten()
                .next()
                .copied()
                .unwrap_or(stdout.len());
            let block = &stdout[start..end];
            let first_line = block.lines().next().unwrap_or_default();
            let config_ok = first_line.ends_with("  SUCCESS");
            let summary = if config_ok {
                block
                    .lines()
                    .skip(1)
                    .take_while(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect()
            } else {
                Vec::new()
            };
            Some(Report {
                config_ok,
                summary,
                text: block.trim_end().to_owned(),
            })
        })
        .collect()
}

/// `# expect-line:` and `# expect-error:` values from the leading comment block.
fn annotations(path: &Path) -> (Option<u32>, Option<String>) {
    let text = std::fs::read_to_string(path).unwrap();
    let (mut line, mut error) = (None, None);
    for l in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(v) = l.strip_prefix("# expect-line:") {
            line = Some(v.trim().parse().expect("expect-line is a number"));
        }
        if let Some(v) = l.strip_prefix("# expect-error:") {
            error = Some(v.trim().to_owned());
        }
    }
    (line, error)
}

fn verdict(accepted: bool) -> &'static str {
    if accepted { "accepts" } else { "rejects" }
}

#[test]
fn check_config_agrees_with_amtool() {
    let Some(amtool) = am_testkit::require_tool("amtool") else {
        return;
    };
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_alertmeshctl"));
    let corpus = corpus_files();
    let files: Vec<String> = corpus.iter().map(|(_, f)| f.clone()).collect();

    let (amtool_out, _) = run_batch(&amtool, &files);
    let (our_out, our_err) = run_batch(&ours, &files);
    let amtool_reports = split_reports(&amtool_out, &files);
    let our_reports = split_reports(&our_out, &files);

    let mut problems = Vec::new();
    let mut annotated = 0;
    for (i, (folder, file)) in corpus.iter().enumerate() {
        let (Some(theirs), Some(mine)) = (&amtool_reports[i], &our_reports[i]) else {
            problems.push(format!(
                "{file}: missing report (amtool: {}, ours: {}); our stderr:\n{our_err}",
                amtool_reports[i].is_some(),
                our_reports[i].is_some()
            ));
            continue;
        };
        let (want_amtool, mut want_ours) = folder.expected();
        let known = KNOWN_DISAGREEMENTS.iter().find(|(f, _)| f == file);
        if known.is_some() {
            want_ours = !want_ours;
        }
        if theirs.accepted() != want_amtool {
            problems.push(format!(
                "{file}: corpus error: amtool {} it, but it is in {}/\n    amtool: {}",
                verdict(theirs.accepted()),
                folder.name(),
                theirs.text
            ));
        }
        if mine.accepted() != want_ours {
            if let Some((_, why)) = known {
                problems.push(format!(
                    "{file}: listed in KNOWN_DISAGREEMENTS ({why}) but now agrees with amtool: \
                     remove the entry"
                ));
                continue;
            }
            problems.push(format!(
                "{file}: amtool {}, we {}\n    amtool: {}\n    ours:   {}",
                verdict(theirs.accepted()),
                verdict(mine.accepted()),
                theirs.text,
                mine.text
            ));
        } else if theirs.accepted() && mine.accepted() && theirs.summary != mine.summary {
            problems.push(format!(
                "{file}: summaries differ\n    amtool: {:?}\n    ours:   {:?}",
                theirs.summary, mine.summary
            ));
        }
        if *folder == Folder::Invalid && !mine.accepted() && known.is_none() {
            let (line, fragment) = annotations(&corpus_dir().join(file));
            annotated += usize::from(line.is_some() || fragment.is_some());
            if let Some(line) = line {
                let want = format!("{file}:{line}:");
                if !mine.text.contains(&want) {
                    problems.push(format!("{file}: our error lacks `{want}`: {}", mine.text));
                }
            }
            if let Some(fragment) = fragment
                && !mine.text.to_lowercase().contains(&fragment.to_lowercase())
            {
                problems.push(format!(
                    "{file}: our error lacks {fragment:?}: {}",
                    mine.text
                ));
            }
        }
    }

    let count = |f: Folder| corpus.iter().filter(|(folder, _)| *folder == f).count();
    eprintln!(
        "corpus: {} valid, {} invalid ({annotated} annotated), {} newer, {} stricter; {} known \
         disagreement(s)",
        count(Folder::Valid),
        count(Folder::Invalid),
        count(Folder::Newer),
        count(Folder::Stricter),
        KNOWN_DISAGREEMENTS.len()
    );
    assert!(
        count(Folder::Valid) + count(Folder::Invalid) >= 90,
        "corpus too small"
    );
    assert!(
        problems.is_empty(),
        "{} disagreement(s) with amtool check-config:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}

#[test]
fn report_splitter_handles_multiline_errors() {
    let files = vec!["a.yml".to_owned(), "b.yml".to_owned()];
    let stdout = "Checking 'a.yml'  FAILED: yaml: unmarshal errors:\n  line 3: field x not found\n\n\
                  Checking 'b.yml'  SUCCESS\nFound:\n - global config\n - route\n \
                  - 0 inhibit rules\n - 1 receivers\n - 1 templates\n  FAILED: syntax error in \
                  pattern\n\n";
    let reports = split_reports(stdout, &files);
    let a = reports[0].as_ref().unwrap();
    assert!(!a.accepted() && a.summary.is_empty());
    let b = reports[1].as_ref().unwrap();
    assert!(b.config_ok && !b.accepted());
    assert_eq!(b.summary.len(), 7);
    assert_eq!(split_reports("nothing", &files), vec![None, None]);
}

#[test]
fn classic_mode_rejects_utf8_only_syntax_like_amtool_0_25() {
    // With `--enable-feature=classic-mode` matchers and label names follow the pre-0.27 rules,
    // so these `newer/` files must be rejected, as amtool 0.25 rejects them.
    let files = [
        "newer/utf8-matchers-quoted-names.yml",
        "newer/group-by-utf8-label.yml",
    ];
    let output = Command::new(env!("CARGO_BIN_EXE_alertmeshctl"))
        .args(["--enable-feature=classic-mode", "check-config"])
        .args(files)
        .current_dir(corpus_dir())
        .output()
        .unwrap();
    let files: Vec<String> = files.iter().map(|f| (*f).to_owned()).collect();
    let stdout = String::from_utf8_lossy(&output.stdout);
    for (file, report) in files.iter().zip(split_reports(&stdout, &files)) {
        let report = report.unwrap_or_else(|| panic!("no report for {file}: {stdout}"));
        assert!(
            !report.accepted(),
            "{file} accepted in classic mode: {}",
            report.text
        );
    }
    assert_eq!(output.status.code(), Some(1));
}
