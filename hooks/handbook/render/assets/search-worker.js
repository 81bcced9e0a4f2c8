/* The handbook's search worker: Material for MkDocs' own, with a big catalog's Looker items
 * scored without building a lunr index of them.
 *
 * Material's worker builds a lunr index of every entry in the reader's browser before the
 * first query. At 20,000 Looker items that build is most of the wait for the first result:
 * about 40 µs an entry, whatever its text. This worker loads Material's (the `material`
 * parameter of its own URL) and hands it every entry but the items, which the index's
 * `config.handbook.items` pattern names. Each query then goes to Material, and the items are
 * matched and scored here, with lunr's own rules over the whole index's statistics: the
 * query parsed by lunr's parser after Material's transform, terms expanded as lunr's token
 * set expands them, BM25 weights with Material's settings (b = 0), field and entry boosts,
 * required and prohibited terms, then Material's own boost of titles and of the share of
 * query terms found. Material's results for the other entries are scored again the same way,
 * so both rank on one scale, and grouped under their pages as Material groups them.
 *
 * A site in another language than English, or an index without the pattern, goes to Material
 * whole, as if this worker were not there; so does everything after an error in setting up.
 */
"use strict";
(function () {
  const own = new URL(self.location.href);
  const realAdd = self.addEventListener.bind(self);
  const realPost = self.postMessage.bind(self);
  let listener = null; // Material's message handler
  let reply = null; // who gets Material's next answer
  self.addEventListener = (type, fn, options) => {
    if (type === "message" && listener === null) listener = fn;
    else realAdd(type, fn, options);
  };
  self.postMessage = message => (reply ? reply(message) : realPost(message));
  importScripts(new URL(own.searchParams.get("material"), own).href);
  self.addEventListener = realAdd;

  const SETUP = 0, QUERY = 2, RESULT = 3;
  const REQUIRED = 2, PROHIBITED = 3; // lunr.Query.presence
  const K1 = 1.2; // lunr's default; Material sets b to 0
  const PIPELINE = ["trimmer", "stopWordFilter", "stemmer"]; // lunr's order
  const MARKUP = /<[^>]*>/g; // a tag: Material's tokenizer reads the text between tags
  const POSITIONS = 2 ** 24; // terms a field may hold, for the order lunr meets them in

  let state = null; // set up for items, or null: Material answers alone

  /** Ask Material, and wait for its answer. */
  function material(message) {
    return new Promise(resolve => {
      reply = answer => { reply = null; resolve(answer); };
      listener({ data: message });
    });
  }

  /* --- text, as Material's tokenizer and lunr's pipeline make terms of it ---------------- */

  const withG = new Map(); // separator -> the same, with the `g` flag

  function split(input, separator, fn) {
    let re = withG.get(separator);
    if (re === undefined) withG.set(separator, re = new RegExp(separator, "g"));
    re.lastIndex = 0;
    let match, index = 0;
    do {
      match = re.exec(input);
      const until = match ? match.index : input.length;
      if (index < until) fn(index, until);
      if (match) {
        index = match.index + match[0].length;
        if (match[0].length === 0) re.lastIndex = match.index + 1;
      }
    } while (match);
  }

  /** Text sections of an HTML value, as Material's `extract` visits them: fn(start, end,
   *  block), a block being a top-level element. Returns each block's tag extent. */
  function sections(input, fn) {
    let block = 0, start = 0, end = 0, stack = 0;
    const blocks = [];
    const extend = (a, b) => {
      const range = blocks[block];
      if (!range) blocks[block] = [a, b];
      else { range[0] = Math.min(range[0], a); range[1] = Math.max(range[1], b); }
    };
    for (; end < input.length; end++) {
      const c = input.charAt(end);
      if (c === "<" && end > start) {
        fn(start, end, block); start = end;
      } else if (c === ">") {
        if (input.charAt(start + 1) === "/") {
          if (--stack === 0) { extend(start, end + 1); block++; }
        } else if (input.charAt(end - 1) !== "/") {
          if (stack++ === 0) extend(start, end + 1);
        }
        start = end + 1;
      }
    }
    if (end > start) fn(start, end, block);
    return blocks;
  }

  function Terms(config) {
    const lunr = self.lunr;
    const pipeline = new lunr.Pipeline();
    for (const name of PIPELINE) if (config.pipeline.includes(name)) pipeline.add(lunr[name]);
    const search = new lunr.Pipeline();
    if (config.pipeline.includes("stemmer")) search.add(lunr.stemmer);
    const separator = new RegExp(config.separator);
    const every = new RegExp(config.separator, "g");
    // A separator with capturing groups would put what they capture among `split`'s words.
    const groups = new RegExp(`${config.separator}|`).exec("").length > 1;
    const records = new Map(); // word -> the records of the terms the pipeline makes of it
    const vocabulary = new Map(); // term -> { term, df, last, at }
    const of = word => {
      let out = records.get(word);
      if (out === undefined) {
        out = pipeline.runString(word).map(term => {
          let record = vocabulary.get(term);
          if (record === undefined) vocabulary.set(term, record = { term, df: 0, last: 0, at: Infinity });
          return record;
        });
        records.set(word, out);
      }
      return out;
    };
    return {
      separator,
      vocabulary,
      search: term => search.runString(term),
      // A word's terms, for highlighting: looked up, never added to the vocabulary (a term
      // no entry holds would join a query's expansion and change every score).
      index: word => {
        const out = records.get(word);
        return out === undefined ? pipeline.runString(word) : out.map(record => record.term);
      },
      /** The records of a field's terms (its value a string of HTML, or a list of them),
       *  in order: the words between its tags, lower-cased, through the pipeline. */
      records(value) {
        const out = [];
        for (const input of Array.isArray(value) ? value : [value]) {
          const text = input.indexOf("<") < 0 ? input : input.replace(MARKUP, " ");
          // Split as typed, then lower-cased word by word: a separator may be case-sensitive
          // (Material's docs suggest one that splits camelCase).
          if (groups) split(text, separator, (a, b) => { for (const r of of(text.slice(a, b).toLowerCase())) out.push(r); });
          else for (const word of text.split(every)) if (word) for (const r of of(word.toLowerCase())) out.push(r);
        }
        return out;
      },
      /** Every word of an HTML string, lower-cased, with where it is and its block; returns
       *  each block's tag extent. */
      words(input, visit) {
        const each = (start, end, block) => {
          const section = input.slice(start, end);
          split(section, separator, (a, b) =>
            visit(section.slice(a, b).toLowerCase(), start + a, start + b, block));
        };
        if (input.indexOf("<") < 0 && input.indexOf(">") < 0) { // no markup: one section
          if (input.length) each(0, input.length, 0);
          return [];
        }
        return sections(input, each);
      },
    };
  }

  /* --- set up ------------------------------------------------------------------------------ */

  /** Material's setup message without the items; what the items need is worked out by
   *  `prepare`, once Material has said it is ready. */
  function setup(data) {
    const config = data.config;
    const pattern = config.handbook && config.handbook.items;
    state = null;
    if (!pattern || config.lang.length !== 1 || config.lang[0] !== "en") return data;
    const test = new RegExp(pattern);
    const flags = data.docs.map(doc => test.test(doc.location));
    state = { config, docs: data.docs, flags, suggest: Boolean(data.options && data.options.suggest) };
    return { ...data, docs: data.docs.filter((doc, i) => !flags[i]) };
  }

  /** The entries as this worker scores them, once Material is ready: the other entries'
   *  terms at once (Material holds them, and they are few), the items' as they are needed
   *  and, between queries, a slice at a time until all are (`tokenize`, `idle`). */
  function prepare() {
    const { config, docs, flags } = state;
    const terms = Terms(config);
    const fields = Object.keys(config.fields);
    const entries = docs.map((doc, index) => ({
      doc, index, item: flags[index], tf: null, boost: doc.boost || 1, lower: null,
    }));
    Object.assign(state, {
      terms, fields, entries, tokenSet: null, sorted: null, complete: false, pair: 0,
      boosts: fields.map(name => config.fields[name].boost || 1),
      seen: terms.vocabulary, // term -> { term, df, last, at }
      // A stemmer makes terms that are not in the text: no substring says who holds them.
      substrings: !config.pipeline.includes("stemmer"),
      articles: new Map(entries.filter(e => !e.item && !e.doc.location.includes("#")).map(e => [e.doc.location, e.doc])),
      byLocation: new Map(entries.map(entry => [entry.doc.location, entry])),
      items: entries.filter(entry => entry.item),
      next: 0, // the next item `idle` tokenizes
    });
    delete state.docs;
    for (const entry of entries) if (!entry.item) tokenize(entry);
    setTimeout(idle, 0);
  }

  /** An entry's terms per field (lists of records, in order), counted into how many
   *  (entry, field) pairs hold each term: lunr's idf counts these. */
  function tokenize(entry) {
    if (entry.tf !== null) return;
    entry.tf = state.fields.map((name, f) => {
      const pair = ++state.pair;
      const list = entry.doc[name] === undefined ? [] : state.terms.records(entry.doc[name]);
      const base = (entry.index * state.fields.length + f) * POSITIONS;
      for (let k = 0; k < list.length; k++) {
        const record = list[k];
        if (record.last !== pair) { record.last = pair; record.df++; }
        // Where lunr's builder would first meet it: its term index, the order lunr's vectors
        // sum in (held by an entry tokenized by now, whenever a query needs it).
        if (base + k < record.at) record.at = base + k;
      }
      return list;
    });
    state.sorted = null;
  }

  /** A slice of the items at a time, between queries, until every one is tokenized. */
  function idle() {
    if (state === null || state.complete) return;
    const stop = Math.min(state.items.length, state.next + 2000);
    for (; state.next < stop; state.next++) tokenize(state.items[state.next]);
    if (state.next < state.items.length) setTimeout(idle, 0);
    else state.complete = true;
  }

  function complete() {
    while (!state.complete) idle();
  }

  /** An item's title and text in lower case, where a clause's word must be if it holds it. */
  function lower(entry) {
    if (entry.lower === null) entry.lower = `${entry.doc.title}\n${entry.doc.text || ""}`.toLowerCase();
    return entry.lower;
  }

  /** How often each of `wanted`'s terms is in `list` (records): term -> count, for those
   *  it holds. */
  function counts(list, wanted) {
    const out = new Map();
    for (const { term } of list) if (wanted.has(term)) out.set(term, (out.get(term) || 0) + 1);
    return out;
  }

  /* --- queries, as lunr and Material read them --------------------------------------------- */

  /** Material's `transformSearchQuery`. */
  function transform(query, separator) {
    const lunr = self.lunr;
    return query.trim()
      .split(/"([^"]+)"/g)
      .map((parts, i) => i & 1 ? parts.replace(/^\b|^(?![^\x00-\x7F]|$)|\s+/g, " +") : parts)
      .join("")
      .replace(/"|(?:^|\s+)[*+\-:^~]+(?=\s+|$)/g, "")
      .split(/\s+/g)
      .reduce((prev, part) => {
        const found = [];
        const lexer = new lunr.QueryLexer(part);
        lexer.run();
        for (const { type, str: term, start, end } of lexer.lexemes) {
          if (type === "FIELD") {
            if (!["title", "text", "tags"].includes(term))
              part = [part.slice(0, end), " ", part.slice(end + 1)].join("");
          } else if (type === "TERM") {
            split(term, separator, (a, b) =>
              found.push([part.slice(0, start), term.slice(a, b), part.slice(end)].join("")));
          }
        }
        return [...prev, ...found];
      }, [])
      .map(term => /([~^]$)/.test(term) ? `${term}1` : term)
      .map(term => /(^[+-]|[~^]\d+$)/.test(term) ? term : `${term}*`)
      .join(" ");
  }

  /** The order lunr's `TokenSet.toArray` lists terms in: depth first, a word before the
   *  words it begins, and each node's branches last first. A token set of sorted words
   *  holds its branches in the order of their keys in a JavaScript object: digits first,
   *  then the other characters as inserted, by code. */
  function tokenSetOrder(a, b) {
    const key = c => (c >= "0" && c <= "9" ? c.charCodeAt(0) - 48 : 10 + c.charCodeAt(0));
    for (let i = 0; ; i++) {
      if (i === a.length) return -1;
      if (i === b.length) return 1;
      if (a[i] !== b[i]) return key(b[i]) - key(a[i]);
    }
  }

  /** A term or a prefix (`term*`): every entry holding a term it matches holds its word. */
  function simple(clause) {
    return !clause.editDistance && /^[^*]+\*?$/.test(clause.term);
  }

  /** The terms of the whole index a clause matches, as lunr's token set expands them: from
   *  the terms of the entries tokenized so far, which hold every match of a simple clause
   *  (`candidates` saw to that); any other clause waits for every item. */
  function expand(clause) {
    const lunr = self.lunr;
    const term = clause.term;
    if (simple(clause)) {
      if (!term.endsWith("*")) return state.seen.has(term) ? [term] : [];
      const prefix = term.slice(0, -1), out = [];
      for (const known of state.seen.keys()) if (known.startsWith(prefix)) out.push(known);
      return out.sort(tokenSetOrder);
    }
    complete();
    if (state.sorted === null) { state.sorted = [...state.seen.keys()].sort(); state.tokenSet = null; }
    if (state.tokenSet === null) state.tokenSet = lunr.TokenSet.fromArray(state.sorted);
    return state.tokenSet.intersect(lunr.TokenSet.fromClause(clause)).toArray();
  }

  function idf(term) {
    const record = state.seen.get(term); // lunr's idf, over the whole index
    const n = record ? record.df : 0;
    return Math.log(1 + Math.abs((state.entries.length - n + 0.5) / (n + 0.5)));
  }

  /** lunr's query clauses, each with the words it looks up (through the search pipeline
   *  unless it has a wildcard, as lunr does). */
  function parse(transformed) {
    const lunr = self.lunr;
    const query = new lunr.Query(state.fields);
    new lunr.QueryParser(transformed, query).parse();
    const clauses = query.clauses.map(clause => ({
      ...clause, words: clause.usePipeline ? state.terms.search(clause.term) : [clause.term],
    }));
    return { clauses, negated: query.isNegated() };
  }

  /** The items that may match: all of them, or (every clause simple) those whose text holds
   *  a positive clause's word; each tokenized, so `expand` sees every term they hold. */
  function candidates(parsed) {
    const each = parsed.clauses.flatMap(c => c.words.map(word => ({ ...c, term: word })));
    if (parsed.negated || !state.substrings || !each.every(simple)) {
      complete();
      return state.items;
    }
    const words = each.filter(c => c.presence !== PROHIBITED).map(c => c.term.replace(/\*$/, ""));
    const found = state.items.filter(entry => words.some(word => lower(entry).includes(word)));
    for (const entry of found) tokenize(entry);
    return found;
  }

  /** lunr's query: per clause its expanded terms, per field the query vector. */
  function plan(parsed) {
    const vectors = state.fields.map(() => new Map());
    const clauses = [];
    let impossible = false;
    for (const clause of parsed.clauses) {
      const expanded = new Set();
      for (const word of clause.words) {
        const found = expand({ ...clause, term: word });
        if (found.length === 0 && clause.presence === REQUIRED) { impossible = true; break; }
        for (const term of found) expanded.add(term);
      }
      const fields = clause.fields.map(name => state.fields.indexOf(name)).filter(f => f >= 0);
      if (clause.presence !== PROHIBITED)
        for (const term of expanded)
          for (const f of fields) vectors[f].set(term, (vectors[f].get(term) || 0) + clause.boost);
      clauses.push({ presence: clause.presence, fields, expanded });
    }
    const norms = vectors.map(v => Math.sqrt(byTermIndex([...v.keys()]).reduce((s, t) => s + v.get(t) ** 2, 0)));
    // The order lunr meets each term in (clause, then expansion): its match data's order.
    const rank = new Map();
    for (const c of clauses)
      if (c.presence !== PROHIBITED) for (const term of c.expanded) if (!rank.has(term)) rank.set(term, rank.size);
    return { clauses, vectors, norms, rank, impossible, negated: parsed.negated };
  }

  /** Terms in lunr's term index order (the order its vectors hold them, and sum them in). */
  function byTermIndex(list) {
    return list.sort((a, b) => state.seen.get(a).at - state.seen.get(b).at);
  }

  /** An entry's lunr score for the query, and the terms it matched; null if it does not match. */
  function score(entry, q) {
    for (const c of q.clauses) {
      if (c.presence !== PROHIBITED && c.presence !== REQUIRED) continue;
      let holds = false;
      for (const f of c.fields) {
        for (const { term } of entry.tf[f]) if (c.expanded.has(term)) { holds = true; break; }
        if (holds) break;
      }
      if (holds === (c.presence === PROHIBITED)) return null;
    }
    let total = 0;
    const perField = [];
    for (let f = 0; f < state.fields.length; f++) {
      const vector = q.vectors[f];
      const list = entry.tf[f];
      if (vector.size === 0 || !list.some(record => vector.has(record.term))) continue;
      let dot = 0;
      const tfs = counts(list, vector);
      const hits = byTermIndex([...tfs.keys()]);
      for (const term of hits) {
        const tf = tfs.get(term);
        const w = idf(term) * ((K1 + 1) * tf) / (K1 + tf) * state.boosts[f] * entry.boost;
        dot += vector.get(term) * (Math.round(w * 1000) / 1000);
      }
      hits.sort((a, b) => q.rank.get(a) - q.rank.get(b));
      const first = q.rank.get(hits[0]) * state.fields.length + f;
      perField.push({ first, field: f, hits, score: q.norms[f] ? dot / q.norms[f] : 0 });
    }
    if (!perField.length) return q.negated ? { score: 0, matched: [], byField: new Map(), first: 0 } : null;
    perField.sort((a, b) => a.first - b.first); // lunr adds up fields in the order first met
    for (const field of perField) total += field.score;
    const byField = new Map(perField.map(({ field, hits }) => [state.fields[field], hits]));
    const first = perField[0].first;
    // lunr's match data: each field's terms in lunr's order, fields in the order first met;
    // an object, so integer-like terms come first, as in Material's.
    const metadata = Object.create(null);
    for (const { hits } of perField) for (const term of hits) metadata[term] = true;
    return { score: total, matched: Object.keys(metadata), byField, first };
  }

  /** Material's `parseSearchQuery` and `getSearchQueryTerms`. */
  function queryTerms(transformed) {
    const lunr = self.lunr;
    const query = new lunr.Query(["title", "text", "tags"]);
    new lunr.QueryParser(transformed, query).parse();
    return query.clauses.filter(c => c.presence !== PROHIBITED).map(c => {
      let term = c.term;
      if (term.startsWith("*")) term = term.slice(1);
      if (term.endsWith("*")) term = term.slice(0, -1);
      return term;
    });
  }

  function termsFound(clauseTerms, matched) {
    const left = new Set(clauseTerms);
    const out = {};
    for (const term of matched)
      for (const c of left) // deleting while iterating a Set is safe, as in Material's
        if (term.startsWith(c)) { out[c] = true; left.delete(c); }
    for (const c of left) if (self.lunr.stopWordFilter(c)) out[c] = false;
    return out;
  }

  /** An item's title or text with its matched terms marked, as Material marks them: the whole
   *  title; of the text, the (at most two) top-level blocks holding a match, else all of it. */
  function highlight(value, matched, full) {
    const spans = new Map(); // block -> every word's [start, end, marked]
    let any = false;
    const tags = state.terms.words(value, (word, start, end, block) => {
      const marked = state.terms.index(word).some(term => matched.includes(term));
      any = any || marked;
      if (!spans.has(block)) spans.set(block, []);
      spans.get(block).push([start, end, marked]);
    });
    if (!any) return value;
    const wrap = (from, to, list) => {
      let out = "", at = from;
      for (const [a, b, marked] of list) {
        if (!marked) continue;
        out += value.slice(at, a) + "<mark>" + value.slice(a, b) + "</mark>";
        at = b;
      }
      return out + value.slice(at, to);
    };
    if (full) return wrap(0, value.length, [...spans.values()].flat());
    const slices = [];
    for (const [block, list] of [...spans.entries()].sort((a, b) => a[0] - b[0])) {
      if (!list.some(span => span[2])) continue;
      const tag = tags[block] || [list[0][0], list[0][0]];
      const from = Math.min(tag[0], list[0][0]), to = Math.max(tag[1], list[list.length - 1][1]);
      slices.push(wrap(from, to, list));
      if (slices.length === 2) break;
    }
    return slices.join("");
  }

  /** Material's answer to a query, with the items scored in and everything on one scale. */
  function search(query, answer) {
    const transformed = transform(query, state.terms.separator);
    if (!transformed) return answer;
    const parsed = parse(transformed);
    const items = candidates(parsed);
    const q = plan(parsed);
    if (q.impossible) return { ...answer, items: [] };
    const clauseTerms = queryTerms(transformed);
    const results = [];
    const order = new Map(); // result -> lunr's order among equal scores
    if (q.negated) { // only `-term`s: lunr lists every other entry, unscored, in index order
      for (const entry of state.entries)
        if (score(entry, q) !== null) {
          const result = { ...withParent(entry.doc), score: NaN, terms: {} };
          order.set(result, [NaN, 0, entry.index]);
          results.push(result);
        }
      return grouped(answer, results, order, clauseTerms);
    }
    const add = (doc, entry, found) => {
      const terms = termsFound(clauseTerms, found.matched);
      const values = Object.values(terms);
      const boost = +!doc.location.includes("#") + values.filter(Boolean).length / values.length;
      const result = { ...doc, score: found.score * (1 + boost ** 2), terms };
      order.set(result, [found.score, found.first, entry.index]);
      results.push(result);
    };
    // Material's matches, scored again over the whole index.
    for (const group of answer.items)
      for (const doc of group) {
        if (Object.keys(doc.terms).length === 0) continue; // an article Material added
        const entry = state.byLocation.get(doc.location);
        const found = entry && score(entry, q);
        if (found) add(doc, entry, found);
      }
    for (const entry of items) {
      const found = score(entry, q);
      if (!found) continue;
      const { doc } = entry;
      const marked = withParent(doc);
      for (const name of ["title", "text"]) // Material marks each field's own matches
        if (typeof doc[name] === "string" && found.byField.has(name))
          marked[name] = highlight(doc[name], found.byField.get(name), name !== "text");
      add(marked, entry, found);
    }
    return grouped(answer, results, order, clauseTerms);
  }

  /** A copy of an entry; a section's with its page's entry as `parent`, as in Material's. */
  function withParent(doc) {
    const copy = { ...doc };
    const article = doc.location.includes("#") ? state.articles.get(doc.location.split("#")[0]) : undefined;
    if (article !== undefined) copy.parent = article;
    return copy;
  }

  /** Material's answer: the results sorted, grouped under their pages, each group with its
   *  page's entry, and the suggestion. */
  function grouped(answer, results, order, clauseTerms) {
    // Material sorts lunr's results again after its boost; lunr sorted by its score, then
    // in the order it met them (term by term, field by field, entry by entry).
    results.sort((a, b) => {
      const [x, y] = [order.get(a), order.get(b)];
      return b.score - a.score || y[0] - x[0] || x[1] - y[1] || x[2] - y[2];
    });
    const groups = new Map();
    for (const result of results) {
      const page = result.location.split("#")[0];
      if (!groups.has(page)) groups.set(page, []);
      groups.get(page).push(result);
    }
    for (const [page, group] of groups)
      if (!group.some(doc => doc.location === page)) {
        const article = state.articles.get(page);
        if (article) group.push({ ...article, score: 0, terms: {} });
      }
    const out = { ...answer, items: [...groups.values()] };
    if (state.suggest) out.suggest = suggest(clauseTerms);
    return out;
  }

  /** Material's suggestion: the terms of the best title holding every query term's prefix. */
  function suggest(clauseTerms) {
    if (!clauseTerms.length) return [];
    const lunr = self.lunr;
    const title = state.fields.indexOf("title");
    if (title < 0) return [];
    const clauses = [];
    const vector = new Map();
    for (const term of clauseTerms) {
      const expanded = [];
      for (const word of state.terms.search(term + "*"))
        for (const t of expand({ term: word })) expanded.push(t);
      if (!expanded.length) return [];
      for (const t of expanded) vector.set(t, (vector.get(t) || 0) + 1);
      clauses.push({ expanded, set: new Set(expanded) });
    }
    const norm = Math.sqrt([...vector.values()].reduce((s, x) => s + x * x, 0));
    const first = new Map(clauses[0].expanded.map((t, i) => [t, i]));
    let best = null;
    state.entries.forEach((entry, index) => {
      if (entry.tf === null) return; // an item holding no query word (see `candidates`)
      const list = entry.tf[title];
      if (!clauses.every(c => list.some(record => c.set.has(record.term)))) return;
      let dot = 0, order = Infinity;
      for (const [t, n] of counts(list, vector)) {
        const weight = vector.get(t);
        const w = idf(t) * ((K1 + 1) * n) / (K1 + n) * state.boosts[title] * entry.boost;
        dot += weight * (Math.round(w * 1000) / 1000);
        if (first.has(t)) order = Math.min(order, first.get(t));
      }
      const score = norm ? dot / norm : 0;
      if (!best || score > best.score || (score === best.score && (order < best.order ||
          (order === best.order && index < best.index))))
        best = { score, order, index, entry };
    });
    if (!best) return [];
    const held = new Set(best.entry.tf[title].map(record => record.term));
    const keys = Object.create(null);
    for (const c of clauses) for (const t of c.expanded) if (held.has(t)) keys[t] = true;
    return Object.keys(keys); // as lunr's match data: integer-like terms first
  }

  /* --- messages ---------------------------------------------------------------------------- */

  let queue = Promise.resolve();
  realAdd("message", ev => {
    const message = ev.data;
    queue = queue.then(async () => {
      if (message.type === SETUP) {
        let data = message.data;
        try { data = setup(message.data); } catch (err) { console.warn(err); state = null; data = message.data; }
        realPost(await material({ ...message, data }));
        // Ready: the items are prepared before the next message (a query) is answered.
        try {
          if (state) prepare();
        } catch (err) { // Material takes every entry after all; its second "ready" stays here
          console.warn(err);
          state = null;
          await material(message);
        }
        return;
      }
      if (message.type === QUERY) {
        const answer = await material(message);
        if (state === null || answer.type !== RESULT) return realPost(answer);
        let data = answer.data;
        try { data = search(message.data, answer.data); } catch (err) { console.warn(err); }
        return realPost({ ...answer, data });
      }
      listener({ data: message }); // not one Material answers: it says so itself
    });
  });
})();
