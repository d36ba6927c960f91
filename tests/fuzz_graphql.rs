//! A schema-driven fuzz run over the GraphQL API of the real binary, bounded in time
//! (`CANYU_FUZZ_SECONDS`, default 5; `scripts/test.d/60-fuzz.sh` runs 60): random operations
//! built from `schema/schema.graphql` (random fields, arguments of every type including wrong,
//! huge, control-character and out-of-range values, random selections), mutated copies of
//! valid requests, and raw junk bodies, from four concurrent callers with random roles.
//! Asserts: no 5xx, every answer is JSON, no request hangs (10 s), no panic in the server's
//! log, and the server still answers afterwards.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::*;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// The SDL, as the little the generator needs: object and input fields, enums, roots.
#[derive(Default)]
struct Sdl {
    /// type name → [(field, args "(a: T, ...)" text, type text)]
    types: HashMap<String, Vec<(String, String, String)>>,
    inputs: HashMap<String, Vec<(String, String)>>,
    enums: HashMap<String, Vec<String>>,
}

fn parse_sdl(text: &str) -> Sdl {
    let mut sdl = Sdl::default();
    let mut current: Option<(String, String)> = None; // (kind, name)
    let mut in_doc = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("\"\"\"") {
            if !(t.len() > 3 && t.ends_with("\"\"\"")) {
                in_doc = !in_doc;
            }
            continue;
        }
        if in_doc || t.is_empty() {
            continue;
        }
        if let Some(rest) = t.strip_suffix('{') {
            let mut parts = rest.split_whitespace();
            if let (Some(kind), Some(name)) = (parts.next(), parts.next()) {
                current = Some((kind.to_string(), name.to_string()));
            }
            continue;
        }
        if t == "}" {
            current = None;
            continue;
        }
        let Some((kind, name)) = &current else { continue };
        match kind.as_str() {
            "enum" => sdl.enums.entry(name.clone()).or_default().push(t.to_string()),
            "input" => {
                if let Some((f, ty)) = t.split_once(':') {
                    let ty = ty.split('=').next().unwrap_or("").trim().to_string();
                    sdl.inputs.entry(name.clone()).or_default().push((f.trim().to_string(), ty));
                }
            }
            "type" => {
                let (head, ty) = match t.rfind("):") {
                    Some(i) => (&t[..=i], t[i + 2..].trim()),
                    None => match t.split_once(':') {
                        Some((h, ty)) => (h, ty.trim()),
                        None => continue,
                    },
                };
                let (field, args) = match head.find('(') {
                    Some(i) => (&head[..i], &head[i..]),
                    None => (head, ""),
                };
                sdl.types.entry(name.clone()).or_default().push((field.trim().to_string(), args.to_string(), ty.to_string()));
            }
            _ => {}
        }
    }
    sdl
}

fn base(ty: &str) -> &str {
    ty.trim_matches(|c| c == '!' || c == '[' || c == ']')
}

const NASTY: &[&str] = &[
    "",
    " ",
    "\u{0000}",
    "\u{0007}bell",
    "a\r\nb",
    "\u{202e}rtl",
    "<script>alert(1)</script>",
    "'; DROP TABLE events; --",
    "{{}}",
    "\\",
    "\"",
    "💥🀄",
    "意见",
    "2021-02-30T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "-1",
    "NaN",
    "null",
];

struct Gen<'a> {
    sdl: &'a Sdl,
    ids: Vec<String>,
}

impl Gen<'_> {
    fn string(&self, r: &mut Rng) -> Value {
        match r.below(5) {
            0 => json!(r.pick(NASTY)),
            1 => json!("长".repeat(r.below(6000))),
            2 => json!(r.pick(&self.ids)),
            3 => json!(chrono::Utc::now().to_rfc3339()),
            _ => json!((0..r.below(40)).map(|_| char::from_u32((r.next() % 0x3_0000) as u32).unwrap_or('?')).collect::<String>()),
        }
    }

    fn value(&self, ty: &str, r: &mut Rng, depth: usize) -> Value {
        if r.chance(4) {
            // The wrong kind of value altogether.
            return r.pick(&[json!(null), json!(1e308), json!([]), json!({}), json!(true), json!(-2147483649_i64), json!("x")]).clone();
        }
        if ty.starts_with('[') {
            let inner = ty.trim_end_matches('!').trim_start_matches('[').trim_end_matches(']');
            return Value::Array((0..r.below(4)).map(|_| self.value(inner, r, depth + 1)).collect());
        }
        let name = base(ty);
        match name {
            "String" | "ID" | "DateTime" => self.string(r),
            "Int" => json!(*r.pick(&[0_i64, 1, -1, 50, 100, 101, 2021, 1999, 2101, i32::MAX as i64, i32::MIN as i64])),
            "Boolean" => json!(r.chance(50)),
            _ => {
                if let Some(values) = self.sdl.enums.get(name) {
                    return if r.chance(90) { json!(r.pick(values)) } else { json!("NOT_A_VALUE") };
                }
                if let Some(fields) = self.sdl.inputs.get(name) {
                    if depth > 4 {
                        return json!({});
                    }
                    let mut o = serde_json::Map::new();
                    for (f, fty) in fields {
                        if fty.ends_with('!') || r.chance(50) {
                            o.insert(f.clone(), self.value(fty, r, depth + 1));
                        }
                    }
                    return Value::Object(o);
                }
                json!(null)
            }
        }
    }

    fn selection(&self, ty: &str, r: &mut Rng, depth: usize) -> String {
        let Some(fields) = self.sdl.types.get(base(ty)) else { return String::new() };
        let mut out = Vec::new();
        for _ in 0..1 + r.below(4) {
            let (f, args, fty) = r.pick(fields);
            let args = self.literal_args(args, r);
            if self.sdl.types.contains_key(base(fty)) {
                if depth > 6 {
                    continue;
                }
                out.push(format!("{f}{args} {{ {} }}", self.selection(fty, r, depth + 1)));
            } else {
                out.push(format!("{f}{args}"));
            }
        }
        if out.is_empty() { "__typename".into() } else { out.join(" ") }
    }

    /// Arguments of a nested field as literals (first, after, asOf, kinds).
    fn literal_args(&self, args: &str, r: &mut Rng) -> String {
        if args.is_empty() || r.chance(50) {
            return String::new();
        }
        let mut parts = Vec::new();
        for (n, t) in args.trim_matches(|c| c == '(' || c == ')').split(',').filter_map(|a| a.split_once(':')) {
            if r.chance(60) {
                parts.push(format!("{}: {}", n.trim(), self.value(t.trim(), r, 3)));
            }
        }
        if parts.is_empty() { String::new() } else { format!("({})", parts.join(", ")) }
    }

    /// A whole operation on a root type, with its arguments passed as variables.
    fn operation(&self, r: &mut Rng) -> Value {
        let (root, keyword) = if r.chance(50) { ("QueryRoot", "query") } else { ("MutationRoot", "mutation") };
        let fields = &self.sdl.types[root];
        let (f, args, ty) = r.pick(fields);
        let mut decls = Vec::new();
        let mut uses = Vec::new();
        let mut vars = serde_json::Map::new();
        for a in args.trim_matches(|c| c == '(' || c == ')').split(',').filter(|a| !a.trim().is_empty()) {
            let Some((n, t)) = a.split_once(':') else { continue };
            let (n, t) = (n.trim(), t.trim());
            if !t.ends_with('!') && r.chance(40) {
                continue;
            }
            decls.push(format!("${n}: {t}"));
            uses.push(format!("{n}: ${n}"));
            vars.insert(n.to_string(), self.value(t, r, 0));
        }
        let sel = if self.sdl.types.contains_key(base(ty)) { format!(" {{ {} }}", self.selection(ty, r, 0)) } else { String::new() };
        let head = if decls.is_empty() { String::new() } else { format!("({})", decls.join(", ")) };
        let call = if uses.is_empty() { String::new() } else { format!("({})", uses.join(", ")) };
        json!({"query": format!("{keyword} Fuzz{head} {{ {f}{call}{sel} }}"), "variables": vars, "operationName": "Fuzz"})
    }
}

/// Random damage to a request's text.
fn mutate(text: &str, r: &mut Rng) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..1 + r.below(4) {
        let at = r.below(s.len() + 1);
        match r.below(5) {
            0 if !s.is_empty() => {
                s.remove(at.min(s.len() - 1));
            }
            1 => s.insert(at, *r.pick(&['{', '}', '(', ')', '"', '$', '\\', ':', '!', '@', '#', '\u{0}', '…'])),
            2 => s.truncate(at),
            3 => {
                let piece: Vec<char> = r
                    .pick(&["{ a { b { c { d } } } }", "...on X", "fragment F on QueryRoot { ...F }", "@skip(if: true)", "\"\"\""])
                    .chars()
                    .collect();
                for (i, c) in piece.into_iter().enumerate() {
                    s.insert((at + i).min(s.len()), c);
                }
            }
            _ => {
                if !s.is_empty() {
                    let i = at.min(s.len() - 1);
                    s[i] = char::from_u32((r.next() % 0x1_0000) as u32).unwrap_or('x');
                }
            }
        }
    }
    s.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_survives_a_schema_driven_fuzz_run() {
    let seconds: u64 = std::env::var("CANYU_FUZZ_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let s = Arc::new(Server::start(&[]));
    let admin = s.login("admin", ADMIN_PASSWORD).await;
    let (unit, staff_id, staff) = unit_with_staff(&s, &admin, "市住房和城乡建设局", "住建局工作人员").await;
    let (resident_id, resident) = s.register("resident", "居民").await;
    let f = fixture(&s, &admin, &staff, &resident, &unit).await;
    let ids = vec![
        f.decision.clone(),
        f.consultation.clone(),
        f.comment.clone(),
        f.opinion.clone(),
        f.hearing.clone(),
        f.lottery.clone(),
        f.signup.clone(),
        unit,
        staff_id,
        resident_id,
        "c1".into(),
        "nope".into(),
    ];
    let mut seeds = Vec::new();
    for kind in
        ["submitComment", "signUpForHearing", "decideAdoption", "publishDraft", "openConsultation", "scheduleHearing", "registerDecision"]
    {
        let (q, v) = mutation_request(&s, &ids[7], &f, kind, 2050).await;
        seeds.push(json!({"query": q, "variables": v}).to_string());
    }
    seeds.push(json!({"query": "query($id: ID!) { decision(id: $id) { title history(first: 10) { edges { node { kind } } } } }", "variables": {"id": f.decision}}).to_string());
    let sdl = Arc::new(parse_sdl(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/schema.graphql")).unwrap()));
    assert!(sdl.types.contains_key("MutationRoot") && sdl.inputs.len() > 10, "the SDL parsed");
    let tokens = Arc::new(vec![None, Some(resident), Some(staff), Some(admin)]);
    let seeds = Arc::new(seeds);
    let ids = Arc::new(ids);
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    println!("fuzz seed {seed}, {seconds} s");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let total = Arc::new(AtomicU64::new(0));
    let clean = Arc::new(AtomicU64::new(0));
    let statuses = Arc::new(std::sync::Mutex::new(std::collections::BTreeMap::<u16, u64>::new()));
    let mut tasks = Vec::new();
    for c in 0..4u64 {
        let (s, sdl, tokens, seeds, ids, total, statuses) =
            (s.clone(), sdl.clone(), tokens.clone(), seeds.clone(), ids.clone(), total.clone(), statuses.clone());
        let clean = clean.clone();
        tasks.push(tokio::spawn(async move {
            let mut r = Rng(seed.wrapping_add(c.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1);
            let g = Gen { sdl: &sdl, ids: ids.to_vec() };
            let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
            while Instant::now() < deadline {
                let body: Vec<u8> = match r.below(10) {
                    0..=5 => g.operation(&mut r).to_string().into_bytes(),
                    6..=7 => {
                        let seed = seeds[r.below(seeds.len())].clone();
                        mutate(&seed, &mut r).into_bytes()
                    }
                    8 => (0..r.below(300)).map(|_| r.next() as u8).collect(),
                    _ => {
                        let op = g.operation(&mut r);
                        r.pick(&[json!([op.clone(), op.clone()]), json!([]), json!({"query": 5}), json!({"variables": op}), json!("query")])
                            .to_string()
                            .into_bytes()
                    }
                };
                let mut req = http.post(format!("{}/graphql", s.url)).header("content-type", "application/json").body(body.clone());
                if let Some(t) = r.pick(&tokens) {
                    req = req.bearer_auth(t);
                }
                let resp = req.send().await.unwrap_or_else(|e| panic!("no answer ({e}) to {}", String::from_utf8_lossy(&body)));
                let status = resp.status().as_u16();
                let text = resp.text().await.unwrap_or_else(|e| panic!("no body ({e}) for {}", String::from_utf8_lossy(&body)));
                assert!(status < 500, "{status} for {}: {text}", String::from_utf8_lossy(&body));
                let v: Value = serde_json::from_str(&text)
                    .unwrap_or_else(|_| panic!("not JSON ({status}): {text} for {}", String::from_utf8_lossy(&body)));
                if v.get("errors").is_none() {
                    clean.fetch_add(1, Ordering::Relaxed);
                }
                *statuses.lock().unwrap().entry(status).or_default() += 1;
                total.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Still answering, and nothing panicked inside.
    assert!(s.gql(None, "{ units { id } }", json!({})).await.get("errors").is_none());
    let log = std::fs::read_to_string(&s.log).unwrap();
    assert!(!log.contains("panicked"), "the server panicked:\n{log}");
    println!(
        "fuzz: {} requests in {seconds} s, statuses {:?}, {} answered without errors",
        total.load(Ordering::Relaxed),
        statuses.lock().unwrap(),
        clean.load(Ordering::Relaxed)
    );
}
