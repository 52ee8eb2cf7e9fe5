// The query editor of /sparql: CodeMirror 6 over the form's textarea, which stays the field the form
// sends (so the query stays in the URL). Everything it loads comes from this server: the modules from
// node_modules/ by the page's import map, the words it completes from /static/editor/vocabulary.json.
import { basicSetup } from "codemirror";
import { autocompletion } from "@codemirror/autocomplete";
import { StreamLanguage, syntaxHighlighting } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { classHighlighter } from "@lezer/highlight";

const HISTORY = "tipkg.sparql.history"; // localStorage: the last queries run, newest first
const HISTORY_SIZE = 20;
const lang = document.documentElement.lang;
const textarea = document.getElementById("query");
const form = textarea.form;
const tools = document.getElementById("editor-tools");
let vocabulary = { prefixes: {}, terms: [], examples: {} };

function readHistory() {
  try {
    const found = JSON.parse(localStorage.getItem(HISTORY) || "[]");
    return Array.isArray(found) ? found.filter((q) => typeof q === "string") : [];
  } catch {
    return [];
  }
}

function remember(query) {
  const kept = [query, ...readHistory().filter((q) => q !== query)].slice(0, HISTORY_SIZE);
  localStorage.setItem(HISTORY, JSON.stringify(kept));
}

// The PREFIX line a prefixed name needs, unless the query declares that prefix already.
function declaration(doc, prefix) {
  const declared = new RegExp(`^\\s*PREFIX\\s+${prefix.replace(/[-.]/g, "\\$&")}:`, "im");
  const iri = vocabulary.prefixes[prefix];
  return iri && !declared.test(doc) ? `PREFIX ${prefix}: <${iri}>\n` : "";
}

// Put `text` at from..to, with the PREFIX line of its prefix on top when it is not declared yet.
function insertWithPrefix(view, text, from, to) {
  const line = declaration(view.state.doc.toString(), text.split(":")[0]);
  view.dispatch({
    changes: [{ from: 0, insert: line }, { from, to, insert: text }],
    selection: { anchor: from + line.length + text.length },
  });
}

const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
let choices = { prefixes: [], terms: [] };

// The completions of a vocabulary: its prefixes, and its terms with their label in the page's language.
function prepare(found) {
  vocabulary = found;
  const apply = (view, completion, from, to) => insertWithPrefix(view, completion.label, from, to);
  choices = {
    prefixes: Object.entries(found.prefixes).map(([prefix, iri]) => ({ label: `${prefix}:`, detail: iri, type: "namespace", apply })),
    terms: found.terms.map((t) => ({
      label: t.name,
      detail: t.label[lang] || t.label.en,
      info: t.iri,
      type: t.kind === "class" ? "class" : "property",
      apply,
      local: fold(t.name.split(":")[1]),
      words: fold(`${t.label.en} ${t.label.es}`),
    })),
  };
}

// A prefixed name completes from its prefix's terms; a bare word from the prefixes and names that
// start with it, then the terms whose label (English or Spanish, accents aside) holds it.
function complete(context) {
  const word = context.matchBefore(/[A-Za-z][\w-]*:?[\w-]*/);
  if (!word || (word.from === word.to && !context.explicit)) return null;
  if (word.text.includes(":")) return { from: word.from, options: choices.terms, validFor: /^[A-Za-z][\w-]*:[\w-]*$/ };
  const typed = fold(word.text);
  const options = [
    ...choices.prefixes.filter((o) => o.label.toLowerCase().startsWith(typed)).map((o) => ({ ...o, boost: 2 })),
    ...choices.terms.filter((o) => o.local.startsWith(typed)).map((o) => ({ ...o, boost: 1 })),
    ...choices.terms.filter((o) => !o.local.startsWith(typed) && o.words.includes(typed)),
  ];
  return { from: word.from, options, filter: false };
}

const view = new EditorView({
  doc: textarea.value,
  extensions: [
    Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => (form.requestSubmit(), true) }])),
    basicSetup,
    StreamLanguage.define(sparql),
    syntaxHighlighting(classHighlighter),
    autocompletion({ override: [complete] }),
    lintGutter(),
    EditorView.cspNonce.of(document.querySelector("script[data-style-nonce]").dataset.styleNonce),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) textarea.value = update.state.doc.toString();
    }),
    EditorView.contentAttributes.of({ "aria-label": document.querySelector('label[for="query"]').textContent }),
  ],
});
textarea.hidden = true;
textarea.after(view.dom);

function load(text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  view.focus();
}

// The server's syntax error marked where it is in the query it ran: at the error's data-line and
// data-column if it has them, else at the "line 3, column 5" its text says.
function markError() {
  const alert = document.querySelector("main .error[role=alert]");
  if (!alert) return;
  const said = /(?:line|línea) (\d+), (?:column|columna) (\d+)/.exec(alert.textContent) || [];
  const [row, column] = [Number(alert.dataset.line || said[1]), Number(alert.dataset.column || said[2])];
  if (!row || !column) return;
  const doc = view.state.doc;
  const line = doc.line(Math.min(Math.max(1, row), doc.lines));
  const from = Math.min(line.from + Math.max(0, column - 1), line.to);
  const rest = /^\S*/.exec(doc.sliceString(from, line.to))[0].length;
  const start = rest || from === line.from ? from : from - 1;
  const end = Math.max(from + rest, start + 1);
  view.dispatch(setDiagnostics(view.state, [{ from: start, to: Math.min(end, doc.length), severity: "error", message: alert.textContent }]));
}

function fillHistory() {
  const menu = document.getElementById("editor-history");
  const queries = readHistory();
  menu.replaceChildren(menu.options[0]);
  menu.options[0].textContent = queries.length ? menu.options[0].textContent : tools.dataset.historyEmpty;
  queries.forEach((q, i) => menu.add(new Option(q.replace(/\s+/g, " ").slice(0, 90), String(i))));
  menu.addEventListener("change", () => {
    if (menu.value) load(queries[Number(menu.value)]);
    menu.value = "";
  });
}

form.addEventListener("submit", () => remember(textarea.value));
document.getElementById("editor-examples").addEventListener("change", (event) => {
  const text = vocabulary.examples[event.target.value];
  if (text) load(text);
  event.target.value = "";
});
for (const button of document.querySelectorAll("button.editor-insert")) {
  button.hidden = false;
  button.addEventListener("click", () => {
    const line = declaration(view.state.doc.toString(), button.dataset.prefix);
    if (line) view.dispatch({ changes: { from: 0, insert: line } });
  });
}
fillHistory();
markError();
tools.hidden = false;
fetch("/static/editor/vocabulary.json")
  .then((answer) => answer.json())
  .then((found) => {
    prepare(found);
    view.dom.dataset.vocabulary = "loaded";
  });
