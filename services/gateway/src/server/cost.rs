//! What a GraphQL document will cost, measured before anything else looks at it (issue 10).
//!
//! async-graphql's own depth, complexity and recursion checks expand fragment spreads: a 1 KB
//! document of 24 fragments that each spread the previous one twice costs them 2^24 steps
//! (seconds of CPU) before it is refused. [`analyse`] walks the document once, computing each
//! fragment's figures once and reusing them at every spread, so its time is linear in the
//! document's size whatever the fan-out; documents over a bound are refused before
//! validation, and validation then only ever sees documents whose expansion is bounded.
//!
//! The figures, per operation:
//! - **cost**: one point per object the answer will hold. A field with `first` multiplies
//!   its subtree by the page asked for (20 when absent); other lists of objects by
//!   [`UNPAGED_LIST`]; aliases count separately; `asOf` adds [`AS_OF_COST`] for the replay;
//!   list arguments add a point per [`LIST_ITEMS_PER_POINT`] items (a shared list variable
//!   counts at every use). Scalars are free.
//! - **depth** of fields, introspection (`__schema`, `__type`) apart, which has its own bound
//!   so that standard tooling's introspection query passes.
//! - **nodes**: selections in the document as executed (fragments expanded, lists not).
//! - **root fields** of a mutation as executed: distinct response keys after collecting
//!   fields through any depth of fragments (the GraphQL spec's CollectFields).

use std::collections::{HashMap, HashSet};

use async_graphql::Variables;
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, OperationType, Selection, SelectionSet, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Pos, Positioned};
use async_graphql_value::{ConstValue, Name, Value};

/// Points one request may cost.
pub const MAX_COST: u64 = 10_000;
/// Field depth (introspection apart).
pub const MAX_DEPTH: usize = 12;
/// Field depth inside `__schema` / `__type` (graphql-js's introspection query needs 13).
pub const MAX_INTROSPECTION_DEPTH: usize = 24;
/// Selections of the document as executed.
pub const MAX_NODES: u64 = 5_000;
/// Fragment definitions per document.
pub const MAX_FRAGMENTS: usize = 100;
/// Fragments spread inside one another.
pub const MAX_FRAGMENT_NESTING: usize = 16;
/// Selection sets nested in one another, through fragments (the parser allows 64 without).
pub const MAX_NESTING: usize = 64;
/// The assumed length of a list that has no `first`.
pub const UNPAGED_LIST: u64 = 10;
/// The page a paged field returns when `first` is absent.
pub const DEFAULT_PAGE: u64 = 20;
/// The largest page (a larger `first` is refused by the field itself).
pub const MAX_PAGE: u64 = 100;
/// An `asOf` view replays the decision's streams.
pub const AS_OF_COST: u64 = 200;
/// List argument items per point.
pub const LIST_ITEMS_PER_POINT: u64 = 10;

/// What the schema says about one field.
#[derive(Debug, Clone)]
struct FieldInfo {
    /// The named type it returns.
    ty: String,
    list: bool,
    /// Returns an object (interface, union): it has a selection set and costs a point.
    composite: bool,
    /// Takes `first`: a page.
    paged: bool,
}

/// The schema's fields by (type, field), read from its SDL once at start-up.
#[derive(Debug, Clone, Default)]
pub struct TypeTable {
    fields: HashMap<(String, String), FieldInfo>,
    /// The named input type of each argument: (type, field, argument).
    arguments: HashMap<(String, String, String), String>,
    /// The named type of each input object field: (input type, field).
    input_fields: HashMap<(String, String), String>,
    query: String,
    mutation: String,
    subscription: String,
}

impl TypeTable {
    pub fn from_sdl(sdl: &str) -> Self {
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            return TypeTable::default();
        };
        let mut composite = HashSet::new();
        let mut table =
            TypeTable { query: "Query".into(), mutation: "Mutation".into(), subscription: "Subscription".into(), ..Default::default() };
        for def in &doc.definitions {
            match def {
                TypeSystemDefinition::Type(t)
                    if matches!(t.node.kind, TypeKind::Object(_) | TypeKind::Interface(_) | TypeKind::Union(_)) =>
                {
                    composite.insert(t.node.name.node.to_string());
                }
                TypeSystemDefinition::Schema(s) => {
                    let name = |n: &Option<Positioned<Name>>, d: &str| n.as_ref().map_or(d.to_string(), |n| n.node.to_string());
                    table.query = name(&s.node.query, "Query");
                    table.mutation = name(&s.node.mutation, "Mutation");
                    table.subscription = name(&s.node.subscription, "Subscription");
                }
                _ => {}
            }
        }
        for def in &doc.definitions {
            let TypeSystemDefinition::Type(t) = def else { continue };
            let type_name = t.node.name.node.to_string();
            let fields = match &t.node.kind {
                TypeKind::Object(o) => &o.fields,
                TypeKind::Interface(i) => &i.fields,
                TypeKind::InputObject(input) => {
                    for f in &input.fields {
                        let (named, _) = named_type(&f.node.ty.node);
                        table.input_fields.insert((type_name.clone(), f.node.name.node.to_string()), named);
                    }
                    continue;
                }
                _ => continue,
            };
            for f in fields {
                let (named, list) = named_type(&f.node.ty.node);
                for a in &f.node.arguments {
                    let (arg_type, _) = named_type(&a.node.ty.node);
                    table.arguments.insert((type_name.clone(), f.node.name.node.to_string(), a.node.name.node.to_string()), arg_type);
                }
                let info = FieldInfo {
                    composite: composite.contains(&named),
                    ty: named,
                    list,
                    paged: f.node.arguments.iter().any(|a| a.node.name.node == "first"),
                };
                table.fields.insert((t.node.name.node.to_string(), f.node.name.node.to_string()), info);
            }
        }
        table
    }

    /// Refuses an `Int` outside the 32-bit range GraphQL gives it, anywhere in `value` (read
    /// as `named`): async-graphql accepts any 64-bit integer during validation and refuses it
    /// only when the field runs, so a field that never runs (`@skip`, another type's fragment)
    /// would let it through.
    fn int_range(&self, value: &ConstValue, named: &str, path: &str) -> Result<(), String> {
        match value {
            ConstValue::List(items) => {
                items.iter().enumerate().try_for_each(|(i, item)| self.int_range(item, named, &format!("{path}[{i}]")))
            }
            ConstValue::Number(n) if named == "Int" => {
                let fits = n.as_i64().is_some_and(|i| i32::try_from(i).is_ok());
                if fits { Ok(()) } else { Err(format!("{path}: {n} is outside the range of Int ({} to {})", i32::MIN, i32::MAX)) }
            }
            ConstValue::Object(fields) => {
                fields.iter().try_for_each(|(name, v)| match self.input_fields.get(&(named.to_string(), name.to_string())) {
                    Some(ty) => self.int_range(v, ty, &format!("{path}.{name}")),
                    None => Ok(()),
                })
            }
            _ => Ok(()),
        }
    }
}

/// Why a document is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    TooComplex(String),
    TooDeep(String),
    /// A fragment spreads itself: the document can never be valid.
    FragmentCycle(String),
    /// A value does not fit its type (an `Int` beyond 32 bits): the argument or `$variable`
    /// that holds it, and where it is written.
    Invalid {
        message: String,
        field: String,
        pos: Pos,
    },
}

/// The named type under any list and non-null wrappers, and whether a list wraps it.
fn named_type(ty: &Type) -> (String, bool) {
    let mut ty = ty;
    let mut list = false;
    loop {
        match &ty.base {
            BaseType::Named(n) => return (n.to_string(), list),
            BaseType::List(inner) => {
                list = true;
                ty = inner;
            }
        }
    }
}

/// The figures of a document's operations (the sum over them; at most a few are allowed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    pub cost: u64,
    pub depth: usize,
    pub introspection_depth: usize,
    pub nodes: u64,
    /// Root fields of the mutation that will run, as executed.
    pub mutation_fields: Vec<String>,
    /// The type of the operation that will run (none when the name matches no operation).
    pub operation: Option<OperationType>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Figures {
    cost: u64,
    depth: usize,
    introspection_depth: usize,
    nodes: u64,
}

impl Figures {
    fn add(&mut self, o: Figures) {
        self.cost = self.cost.saturating_add(o.cost);
        self.nodes = self.nodes.saturating_add(o.nodes);
        self.depth = self.depth.max(o.depth);
        self.introspection_depth = self.introspection_depth.max(o.introspection_depth);
    }
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    table: &'a TypeTable,
    variables: &'a Variables,
    defaults: HashMap<&'a str, &'a ConstValue>,
    memo: HashMap<&'a str, Figures>,
    open: Vec<&'a str>,
}

/// Measures `doc`; refuses it when a bound is passed. `operation` names the operation that
/// will run (its root mutation fields are listed).
pub fn analyse(doc: &ExecutableDocument, table: &TypeTable, variables: &Variables, operation: Option<&str>) -> Result<Analysis, Refusal> {
    if doc.fragments.len() > MAX_FRAGMENTS {
        return Err(Refusal::TooComplex(format!("a document may define at most {MAX_FRAGMENTS} fragments")));
    }
    let mut walk = Walk { doc, table, variables, defaults: HashMap::new(), memo: HashMap::new(), open: Vec::new() };
    let mut total = Figures::default();
    let mut mutation_fields = Vec::new();
    let mut running = None;
    for (name, op) in doc.operations.iter() {
        for definition in &op.node.variable_definitions {
            let (named, _) = named_type(&definition.node.var_type.node);
            let variable = &definition.node.name.node;
            if let Some(value) = variables.get(variable).or(definition.node.default_value.as_ref().map(|d| &d.node)) {
                table.int_range(value, &named, &format!("variable ${variable}")).map_err(|message| Refusal::Invalid {
                    message,
                    field: format!("${variable}"),
                    pos: definition.pos,
                })?;
            }
        }
        let root = match op.node.ty {
            OperationType::Query => &table.query,
            OperationType::Mutation => &table.mutation,
            OperationType::Subscription => &table.subscription,
        };
        walk.defaults = op
            .node
            .variable_definitions
            .iter()
            .filter_map(|v| Some((v.node.name.node.as_str(), &v.node.default_value.as_ref()?.node)))
            .collect();
        let f = walk.set(&op.node.selection_set.node, root, true, 0)?;
        total.add(f);
        let runs = match (&doc.operations, operation) {
            (DocumentOperations::Single(_), _) => true,
            (DocumentOperations::Multiple(_), Some(wanted)) => name.is_some_and(|n| n.as_str() == wanted),
            (DocumentOperations::Multiple(m), None) => m.len() == 1,
        };
        if runs {
            running = Some(op.node.ty);
        }
        if runs && op.node.ty == OperationType::Mutation {
            mutation_fields = root_fields(doc, &op.node.selection_set.node);
        }
        check(total)?;
    }
    Ok(Analysis {
        cost: total.cost,
        depth: total.depth,
        introspection_depth: total.introspection_depth,
        nodes: total.nodes,
        mutation_fields,
        operation: running,
    })
}

fn check(f: Figures) -> Result<(), Refusal> {
    if f.depth > MAX_DEPTH {
        return Err(Refusal::TooDeep(format!("the query nests fields deeper than {MAX_DEPTH}")));
    }
    if f.introspection_depth > MAX_INTROSPECTION_DEPTH {
        return Err(Refusal::TooDeep(format!("the introspection query nests deeper than {MAX_INTROSPECTION_DEPTH}")));
    }
    if f.nodes > MAX_NODES {
        return Err(Refusal::TooComplex(format!("the query selects more than {MAX_NODES} fields once its fragments are expanded")));
    }
    if f.cost > MAX_COST {
        return Err(Refusal::TooComplex(format!("the query costs more than {MAX_COST} points (it would cost {})", f.cost)));
    }
    Ok(())
}

impl<'a> Walk<'a> {
    fn set(&mut self, set: &'a SelectionSet, ty: &str, root: bool, level: usize) -> Result<Figures, Refusal> {
        if level > MAX_NESTING {
            return Err(Refusal::TooDeep(format!("selections may nest at most {MAX_NESTING} deep")));
        }
        let level = level + 1;
        let mut total = Figures::default();
        for item in &set.items {
            let f = match &item.node {
                Selection::Field(field) => self.field(&field.node, ty, root, level)?,
                Selection::InlineFragment(inline) => {
                    let ty = inline.node.type_condition.as_ref().map_or(ty, |c| c.node.on.node.as_str());
                    let mut f = self.set(&inline.node.selection_set.node, ty, root, level)?;
                    f.nodes = f.nodes.saturating_add(1);
                    f
                }
                Selection::FragmentSpread(spread) => {
                    let mut f = self.fragment(spread.node.fragment_name.node.as_str(), root, level)?;
                    f.nodes = f.nodes.saturating_add(1);
                    f
                }
            };
            total.add(f);
        }
        Ok(total)
    }

    fn fragment(&mut self, name: &'a str, root: bool, level: usize) -> Result<Figures, Refusal> {
        if let Some(f) = self.memo.get(name) {
            return Ok(*f);
        }
        if self.open.contains(&name) {
            return Err(Refusal::FragmentCycle(format!("the fragment {name} spreads itself")));
        }
        if self.open.len() >= MAX_FRAGMENT_NESTING {
            return Err(Refusal::TooDeep(format!("fragments may be spread at most {MAX_FRAGMENT_NESTING} deep")));
        }
        // An unknown fragment is left to validation, which names it.
        let Some((key, def)) = self.doc.fragments.get_key_value(name) else { return Ok(Figures::default()) };
        self.open.push(key.as_str());
        let result = self.set(&def.node.selection_set.node, def.node.type_condition.node.on.node.as_str(), root, level);
        self.open.pop();
        let f = result?;
        self.memo.insert(key.as_str(), f);
        Ok(f)
    }

    fn field(&mut self, field: &'a Field, ty: &str, root: bool, level: usize) -> Result<Figures, Refusal> {
        let name = field.name.node.as_str();
        let info = self.table.fields.get(&(ty.to_string(), name.to_string())).cloned();
        let child_ty = info.as_ref().map_or("", |i| i.ty.as_str()).to_string();
        let children = self.set(&field.selection_set.node, &child_ty, false, level)?;
        let introspection = root && (name == "__schema" || name == "__type");
        let mut own = 0u64;
        let mut multiplier = 1u64;
        if let Some(i) = &info {
            if i.composite {
                own = 1;
            }
            if i.paged {
                multiplier = self.int_argument(field, "first").map_or(DEFAULT_PAGE, |n| n.clamp(1, MAX_PAGE as i64) as u64);
            } else if i.list && i.composite && !ty.ends_with("Connection") {
                multiplier = UNPAGED_LIST;
            }
        }
        for (arg, value) in &field.arguments {
            if let Some(arg_type) = self.table.arguments.get(&(ty.to_string(), name.to_string(), arg.node.to_string())) {
                // Variables were checked where they are defined; a literal is checked here.
                let literal = value.node.clone().into_const_with(|_| Ok::<_, std::convert::Infallible>(ConstValue::Null));
                let literal = literal.unwrap_or_else(|never| match never {});
                let path = format!("argument {} of {name}", arg.node);
                self.table.int_range(&literal, arg_type, &path).map_err(|message| Refusal::Invalid {
                    message,
                    field: arg.node.to_string(),
                    pos: value.pos,
                })?;
            }
            if arg.node == "asOf" && self.given(&value.node) {
                own = own.saturating_add(AS_OF_COST);
            }
            own = own.saturating_add(self.list_items(&value.node) / LIST_ITEMS_PER_POINT);
        }
        let cost = multiplier.saturating_mul(children.cost.saturating_add(own));
        let (depth, introspection_depth) =
            if introspection { (0, children.depth + 1) } else { (children.depth + 1, children.introspection_depth) };
        Ok(Figures { cost, depth, introspection_depth, nodes: children.nodes.saturating_add(1) })
    }

    /// A variable's value, or its default.
    fn variable(&self, name: &Name) -> Option<&'a ConstValue> {
        self.variables.get(name).or_else(|| self.defaults.get(name.as_str()).copied())
    }

    /// An argument that is given and not null.
    fn given(&self, value: &Value) -> bool {
        match value {
            Value::Variable(v) => !matches!(self.variable(v), None | Some(ConstValue::Null)),
            other => !matches!(other, Value::Null),
        }
    }

    fn int_argument(&self, field: &Field, name: &str) -> Option<i64> {
        let (_, value) = field.arguments.iter().find(|(n, _)| n.node == name)?;
        match &value.node {
            Value::Number(n) => n.as_i64(),
            Value::Variable(v) => match self.variable(v)? {
                ConstValue::Number(n) => n.as_i64(),
                _ => None,
            },
            _ => None,
        }
    }

    /// Items of every list in an argument value, variables resolved.
    fn list_items(&self, value: &Value) -> u64 {
        match value {
            Value::Variable(v) => self.variable(v).map_or(0, const_list_items),
            Value::List(items) => items.iter().fold(items.len() as u64, |n, v| n.saturating_add(self.list_items(v))),
            Value::Object(fields) => fields.values().fold(0u64, |n, v| n.saturating_add(self.list_items(v))),
            _ => 0,
        }
    }
}

fn const_list_items(value: &ConstValue) -> u64 {
    match value {
        ConstValue::List(items) => items.iter().fold(items.len() as u64, |n, v| n.saturating_add(const_list_items(v))),
        ConstValue::Object(fields) => fields.values().fold(0u64, |n, v| n.saturating_add(const_list_items(v))),
        _ => 0,
    }
}

/// The response keys of a root selection set as executed: fields collected through inline
/// fragments and spreads of any depth, each fragment once (GraphQL's CollectFields).
fn root_fields(doc: &ExecutableDocument, set: &SelectionSet) -> Vec<String> {
    struct Keys<'a> {
        seen: HashSet<&'a str>,
        order: Vec<String>,
    }
    fn collect<'a>(doc: &'a ExecutableDocument, set: &'a SelectionSet, visited: &mut HashSet<&'a str>, keys: &mut Keys<'a>) {
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => {
                    let key = f.node.response_key().node.as_str();
                    if keys.seen.insert(key) {
                        keys.order.push(key.to_string());
                    }
                }
                Selection::InlineFragment(i) => collect(doc, &i.node.selection_set.node, visited, keys),
                Selection::FragmentSpread(s) => {
                    let name = s.node.fragment_name.node.as_str();
                    if let Some((key, def)) = doc.fragments.get_key_value(name)
                        && visited.insert(key.as_str())
                    {
                        collect(doc, &def.node.selection_set.node, visited, keys);
                    }
                }
            }
        }
    }
    let mut keys = Keys { seen: HashSet::new(), order: Vec::new() };
    collect(doc, set, &mut HashSet::new(), &mut keys);
    keys.order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> TypeTable {
        TypeTable::from_sdl(&crate::sdl())
    }

    fn measure(query: &str, variables: serde_json::Value) -> Result<Analysis, Refusal> {
        let doc = async_graphql::parser::parse_query(query).expect("parses");
        analyse(&doc, &table(), &Variables::from_json(variables), None)
    }

    /// `F0 { id }`, and each of `n` more fragments spreads the previous one twice.
    fn fan_out(n: usize) -> String {
        let mut q = format!("query {{ decisions {{ edges {{ node {{ ...F{n} }} }} }} }} fragment F0 on Decision {{ id }} ");
        for i in 1..=n {
            q.push_str(&format!("fragment F{i} on Decision {{ a{i}: id ...F{p} ...F{p} }} ", p = i - 1));
        }
        q
    }

    #[test]
    fn fragments_are_measured_once_however_often_they_are_spread() {
        // Ten doublings: the expanded document holds 2^11 - 1 selections under `node`, counted
        // exactly without expanding it.
        let a = measure(&fan_out(10), serde_json::json!({})).unwrap();
        let spreads_and_fields: u64 = (0..=10).map(|i| if i == 0 { 1 } else { 3 }).fold(0, |acc, own| acc * 2 + own);
        assert_eq!(a.nodes, 3 + 1 + spreads_and_fields, "decisions, edges, node, the spread of F10 and the expansion");
        // Fifteen doublings expand to 2^16 selections: refused by their count, not by expanding.
        assert!(matches!(measure(&fan_out(15), serde_json::json!({})), Err(Refusal::TooComplex(_))));
        // Sixty would take 2^60 steps to expand; fragments nested that deep are refused at once.
        assert!(matches!(measure(&fan_out(60), serde_json::json!({})), Err(Refusal::TooDeep(_))));
    }

    #[test]
    fn a_fragment_that_spreads_itself_is_refused_before_anything_expands_it() {
        let q =
            "query { decisions { edges { node { ...A } } } } fragment A on Decision { id ...B ...B } fragment B on Decision { ...A ...A }";
        assert!(matches!(measure(q, serde_json::json!({})), Err(Refusal::FragmentCycle(_))));
    }

    #[test]
    fn mutation_root_fields_are_counted_through_any_depth_of_fragments() {
        let aliases: String = (0..300).map(|i| format!("c{i}: login(input: {{username: \"u\", password: \"p\"}}) {{ token }} ")).collect();
        let mut body = aliases;
        for _ in 0..6 {
            body = format!("... on MutationRoot {{ {body} }}");
        }
        let a = measure(&format!("mutation {{ {body} }}"), serde_json::json!({})).unwrap();
        assert_eq!(a.mutation_fields.len(), 300);
        // A fragment spread twice, and a response key used twice, execute once (CollectFields).
        let q = "mutation { ...M ...M x: login(input: {username: \"u\", password: \"p\"}) { token } } fragment M on MutationRoot { x: login(input: {username: \"u\", password: \"p\"}) { token } y: login(input: {username: \"u\", password: \"p\"}) { token } }";
        assert_eq!(measure(q, serde_json::json!({})).unwrap().mutation_fields, vec!["x".to_string(), "y".to_string()]);
    }

    #[test]
    fn pages_aliases_as_of_and_list_arguments_are_priced() {
        let page = |first: u64| {
            measure(
                &format!("{{ decision(id: \"d\") {{ history(first: {first}) {{ edges {{ node {{ position }} }} }} }} }}"),
                serde_json::json!({}),
            )
            .unwrap()
            .cost
        };
        // decision 1 + first × (connection 1 + edges 1 + node 1).
        assert_eq!(page(100), 1 + 100 * 3);
        assert_eq!(page(10), 1 + 10 * 3);
        let absent = measure("{ decision(id: \"d\") { history { edges { node { position } } } } }", serde_json::json!({})).unwrap().cost;
        assert_eq!(absent, 1 + DEFAULT_PAGE * 3, "no first: the default page");
        let var = measure(
            "query($n: Int) { decision(id: \"d\") { history(first: $n) { edges { node { position } } } } }",
            serde_json::json!({"n": 50}),
        )
        .unwrap()
        .cost;
        assert_eq!(var, 1 + 50 * 3, "first from a variable");
        let as_of =
            measure("query($t: DateTime) { decision(id: \"d\", asOf: $t) { id } }", serde_json::json!({"t": "2021-05-01T00:00:00Z"}))
                .unwrap()
                .cost;
        assert_eq!(as_of, 1 + AS_OF_COST);
        let live = measure("query($t: DateTime) { decision(id: \"d\", asOf: $t) { id } }", serde_json::json!({"t": null})).unwrap().cost;
        assert_eq!(live, 1, "a null asOf is the live view");
        // 500 aliases of a 100-entry page; 1,000 aliased asOf views; a 100,000-item list shared.
        let aliases: String = (0..500)
            .map(|i| format!("h{i}: decision(id: \"d\") {{ history(first: 100) {{ edges {{ node {{ position }} }} }} }} "))
            .collect();
        assert!(matches!(measure(&format!("{{ {aliases} }}"), serde_json::json!({})), Err(Refusal::TooComplex(_))));
        let aliases: String = (0..1000).map(|i| format!("d{i}: decision(id: \"d\", asOf: \"2021-05-01T00:00:00Z\") {{ id }} ")).collect();
        assert!(matches!(measure(&format!("{{ {aliases} }}"), serde_json::json!({})), Err(Refusal::TooComplex(_))));
        let ids: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
        let one = measure(
            "query($ids: [ID!]) { consultation(id: \"c\") { comments(clauseIds: $ids) { totalCount } } }",
            serde_json::json!({"ids": ids}),
        )
        .map(|a| a.cost);
        assert!(matches!(one, Err(Refusal::TooComplex(_))), "{one:?}");
    }

    #[test]
    fn depth_counts_fields_and_introspection_has_its_own_bound() {
        let mut deep = "id".to_string();
        for _ in 0..6 {
            deep = format!("consultations {{ decision {{ {deep} }} }}");
        }
        let q = format!("{{ decisions {{ edges {{ node {{ {deep} }} }} }} }}");
        assert!(matches!(measure(&q, serde_json::json!({})), Err(Refusal::TooDeep(_))));
        let intro = include_str!("../../tests/fixtures/introspection.graphql");
        let a = measure(intro, serde_json::json!({})).expect("the standard introspection query passes");
        assert!(a.introspection_depth > MAX_DEPTH && a.depth <= MAX_DEPTH, "{a:?}");
    }
}
