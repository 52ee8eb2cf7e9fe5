/* tipkg network viewer: filters, search, tooltips and the side panel of a page written by
 * tipkg.viz.views. All text from the data is put into the page as DOM text (textContent), never as
 * HTML; links only point to the view files the page was written with. */
(function () {
  "use strict";

  var D = JSON.parse(document.getElementById("tipkg-data").textContent);
  var U = D.ui;
  var MAX_QUOTES_IN_TIP = 3;

  function el(tag, cls, text, children) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    (children || []).forEach(function (c) {
      if (c) e.appendChild(c);
    });
    return e;
  }

  function fold(text) {
    return String(text || "")
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean)
      .join(" ");
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_m, k) {
      return values[k] === undefined ? "" : String(values[k]);
    });
  }

  function viewHref(page, param, id) {
    return page + "#" + param + "=" + encodeURIComponent(id);
  }

  // -- tooltips: DOM elements, so labels and quotes are always text -------------------------

  function tooltip(title, subtitle, quotes) {
    var box = el("div", "tip");
    box.appendChild(el("div", "tip-title", title));
    if (subtitle) box.appendChild(el("div", "tip-class", subtitle));
    (quotes || []).slice(0, MAX_QUOTES_IN_TIP).forEach(function (q) {
      box.appendChild(el("div", "tip-quote", "“" + q + "”"));
    });
    if (quotes && quotes.length > MAX_QUOTES_IN_TIP) {
      box.appendChild(el("div", "tip-more", format(U.more, { n: quotes.length - MAX_QUOTES_IN_TIP })));
    }
    return box;
  }

  var nodeItems = D.nodes.map(function (n) {
    var info = D.info[n.id];
    return Object.assign({}, n, { title: tooltip(info.label, info.clsLabel, info.evidence) });
  });
  var edgeItems = D.edges.map(function (e) {
    var info = D.edgeInfo[e.id];
    var head = info.fromLabel + " — " + info.label + " → " + info.toLabel;
    return Object.assign({}, e, { title: tooltip(head, info.label + (info.via ? " · " + info.via : ""), info.evidence) });
  });

  // -- data, filters and the network ---------------------------------------------------------

  var state = {
    classes: new Set(D.classes.map(function (c) { return c.key; })),
    relations: new Set(D.relations.map(function (r) { return r.key; })),
    focus: null,
  };
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var nodeView = new vis.DataView(nodes, {
    filter: function (n) {
      return state.classes.has(n.cls) && (!state.focus || state.focus.has(n.id));
    },
  });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) {
      return state.relations.has(e.rel);
    },
  });
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, D.options);

  var api = {
    data: D,
    nodes: nodes,
    edges: edges,
    nodeView: nodeView,
    edgeView: edgeView,
    network: network,
    ready: false,
    readyAt: null,
    fold: fold,
  };
  window.tipkg = api;

  // Fit the shown nodes with the labels drawn at that zoom: vis-network's fit() frames the nodes
  // alone, so a long label at the edge was cut ("ocial Joint Venture Program"). First the nodes'
  // fit, then the fit of the nodes and of the labels drawn at its zoom: zooming out further hides
  // labels, never shows one, so every label drawn is inside.
  var threshold = ((D.options.nodes || {}).scaling || {}).label ? D.options.nodes.scaling.label.drawThreshold : 5;

  function fitScale(box) {
    var scale = Math.min(container.clientWidth / Math.max(1, box.right - box.left), container.clientHeight / Math.max(1, box.bottom - box.top));
    return Math.min(0.96 * scale, 1.5);
  }

  function union(box, b) {
    return box ? { left: Math.min(box.left, b.left), right: Math.max(box.right, b.right), top: Math.min(box.top, b.top), bottom: Math.max(box.bottom, b.bottom) } : b;
  }

  function fitWithLabels() {
    var ids = nodeView.getIds();
    if (!ids.length) return;
    var at = network.getPositions(ids);
    var bare = null;
    ids.forEach(function (id) {
      var r = (nodes.get(id).size || 10) + 2;
      bare = union(bare, { left: at[id].x - r, right: at[id].x + r, top: at[id].y - r, bottom: at[id].y + r });
    });
    var first = fitScale(bare);
    var box = bare;
    ids.forEach(function (id) {
      var font = (nodes.get(id).font || {}).size || 13;
      if (font * first >= threshold - 1) box = union(box, network.getBoundingBox(id));
    });
    network.moveTo({ position: { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 }, scale: fitScale(box), animation: false });
  }
  api.fitWithLabels = fitWithLabels;

  function markReady() {
    if (api.ready) return;
    fitWithLabels();
    api.ready = true;
    api.readyAt = performance.now();
    document.body.setAttribute("data-ready", "1");
    applyHash();
  }

  function refresh() {
    nodeView.refresh();
    edgeView.refresh();
  }

  // -- legend and filters --------------------------------------------------------------------

  function legend(listId, items, set, swatch) {
    var list = document.getElementById(listId);
    var boxes = [];
    items.forEach(function (item) {
      var box = el("input");
      box.type = "checkbox";
      box.value = item.key;
      box.checked = true;
      box.addEventListener("change", function () {
        if (box.checked) set.add(item.key);
        else set.delete(item.key);
        refresh();
      });
      boxes.push([box, item.key]);
      var label = el("label", null, null, [box, swatch(item), el("span", null, item.label), el("span", "count", item.count)]);
      list.appendChild(el("li", null, null, [label]));
    });
    return boxes;
  }

  function toggles(forName, boxes, set) {
    var holder = document.querySelector('.toggles[data-for="' + forName + '"]');
    [[U.all, true], [U.none, false]].forEach(function (pair) {
      var b = el("button", null, pair[0]);
      b.type = "button";
      b.addEventListener("click", function () {
        boxes.forEach(function (bk) {
          bk[0].checked = pair[1];
          if (pair[1]) set.add(bk[1]);
          else set.delete(bk[1]);
        });
        refresh();
      });
      holder.appendChild(b);
    });
  }

  var classBoxes = legend("legend-classes", D.classes, state.classes, function (c) {
    var s = el("span", "swatch " + c.shape);
    s.style.background = c.color;
    return s;
  });
  var relationBoxes = legend("legend-relations", D.relations, state.relations, function (r) {
    var s = el("span", "swatch line");
    s.style.background = r.color;
    return s;
  });
  toggles("classes", classBoxes, state.classes);
  toggles("relations", relationBoxes, state.relations);

  function ensureVisible(id) {
    var cls = nodes.get(id).cls;
    if (!state.classes.has(cls)) {
      state.classes.add(cls);
      classBoxes.forEach(function (bk) {
        if (bk[1] === cls) bk[0].checked = true;
      });
      refresh();
    }
  }

  // -- neighbourhood focus --------------------------------------------------------------------

  var adjacency = {};
  D.edges.forEach(function (e) {
    (adjacency[e.from] = adjacency[e.from] || []).push(e.to);
    (adjacency[e.to] = adjacency[e.to] || []).push(e.from);
  });

  function around(id, depth) {
    var seen = new Set([id]);
    var frontier = [id];
    for (var d = 0; d < depth; d++) {
      var next = [];
      frontier.forEach(function (n) {
        (adjacency[n] || []).forEach(function (m) {
          if (!seen.has(m)) {
            seen.add(m);
            next.push(m);
          }
        });
      });
      frontier = next;
    }
    return seen;
  }

  var banner = document.getElementById("focus-banner");

  function setFocus(id, depth) {
    banner.replaceChildren();
    if (id === null) {
      state.focus = null;
      banner.hidden = true;
    } else {
      state.focus = around(id, depth);
      banner.hidden = false;
      banner.appendChild(el("div", null, format(U.focus, { label: D.info[id].label, depth: depth })));
      var all = el("button", null, U.show_all);
      all.type = "button";
      all.addEventListener("click", function () {
        history.replaceState(null, "", " ");
        setFocus(null);
      });
      banner.appendChild(all);
    }
    refresh();
    fitWithLabels();
  }

  // -- selection and the side panel ----------------------------------------------------------

  var panel = document.getElementById("panel");

  function nodeLink(id, label) {
    if (D.info[id]) {
      var b = el("a", null, label);
      b.href = viewHref("", "node", id);
      b.addEventListener("click", function (ev) {
        ev.preventDefault();
        history.replaceState(null, "", viewHref("", "node", id));
        select(id);
      });
      return b;
    }
    if (D.home) {
      var a = el("a", null, label);
      a.href = viewHref(D.home, "node", id);
      return a;
    }
    return el("span", null, label);
  }

  function quotes(list) {
    var box = el("div");
    list.forEach(function (q) {
      box.appendChild(el("blockquote", "quote", "“" + q + "”"));
    });
    return box;
  }

  function section(title, body) {
    panel.appendChild(el("h3", null, title));
    panel.appendChild(body);
  }

  function showNode(id) {
    var info = D.info[id];
    var n = nodes.get(id);
    panel.replaceChildren();
    panel.setAttribute("data-node", id);
    panel.removeAttribute("data-edge");
    panel.appendChild(el("h2", null, info.label));
    var chip = el("span", "chip", info.clsLabel);
    chip.style.background = n.color;
    panel.appendChild(chip);
    panel.appendChild(el("div", "iri", id));
    if (info.names.length > 1) {
      var names = el("ul");
      info.names.forEach(function (x) {
        names.appendChild(el("li", null, x));
      });
      section(U.names, names);
    }
    if (info.facts.length) {
      var dl = el("dl");
      info.facts.forEach(function (f) {
        dl.appendChild(el("dt", null, f[0]));
        var dd = el("dd", null, f[1]);
        dd.title = f[2].join("\n");
        dl.appendChild(dd);
      });
      section(U.facts, dl);
    }
    if (info.links.length) {
      var ul = el("ul");
      info.links.forEach(function (l) {
        var li = el("li");
        if (l[0] === "out") {
          li.appendChild(el("span", "rel", l[1] + " → "));
          li.appendChild(nodeLink(l[2], l[3]));
        } else if (l[0] === "role") {
          li.appendChild(el("span", "rel", l[1] + " → "));
          li.appendChild(nodeLink(l[2], l[3]));
          li.appendChild(el("span", "rel", " ("));
          li.appendChild(nodeLink(l[4], l[5]));
          li.appendChild(el("span", "rel", ")"));
        } else if (l[0] === "via") {
          li.appendChild(nodeLink(l[2], l[3]));
          li.appendChild(el("span", "rel", " — " + l[1] + " ("));
          li.appendChild(nodeLink(l[4], l[5]));
          li.appendChild(el("span", "rel", ")"));
        } else {
          li.appendChild(nodeLink(l[2], l[3]));
          li.appendChild(el("span", "rel", " → " + l[1] + " → " + U.this_one));
        }
        ul.appendChild(li);
      });
      section(U.links, ul);
    }
    if (info.evidence.length) section(U.evidence, quotes(info.evidence));
    var views = el("ul");
    [1, 2].forEach(function (depth) {
      var li = el("li");
      var a = el("a", null, format(U.neighbourhood_depth, { depth: depth }));
      a.href = viewHref("", "focus", id) + "&depth=" + depth;
      li.appendChild(a);
      views.appendChild(li);
    });
    if (info.entityPage) {
      var lp = el("li");
      var ap = el("a", null, U.entity_page + ": " + info.entityPage);
      ap.href = info.entityPage;
      lp.appendChild(ap);
      views.appendChild(lp);
    }
    info.pages.forEach(function (p) {
      var li = el("li");
      var a = el("a", null, D.pageTitles[p] || p);
      a.href = viewHref(p, "node", id);
      li.appendChild(a);
      views.appendChild(li);
    });
    section(U.views, views);
  }

  function showEdge(id) {
    var info = D.edgeInfo[id];
    var e = edges.get(id);
    panel.replaceChildren();
    panel.setAttribute("data-edge", id);
    panel.removeAttribute("data-node");
    panel.appendChild(el("h2", null, info.label));
    var p = el("p");
    p.appendChild(nodeLink(e.from, info.fromLabel));
    p.appendChild(el("span", "rel", " → "));
    p.appendChild(nodeLink(e.to, info.toLabel));
    panel.appendChild(p);
    if (info.caption) panel.appendChild(el("p", null, info.caption));
    if (info.via) {
      var v = el("p");
      v.appendChild(el("span", "rel", U.via + ": "));
      v.appendChild(nodeLink(info.viaId, info.via));
      panel.appendChild(v);
    }
    if (info.facts.length) {
      var dl = el("dl");
      info.facts.forEach(function (f) {
        dl.appendChild(el("dt", null, f[0]));
        dl.appendChild(el("dd", null, f[1]));
      });
      section(U.facts, dl);
    }
    if (info.evidence.length) section(U.evidence, quotes(info.evidence));
  }

  function select(id) {
    if (!D.info[id]) return;
    if (state.focus && !state.focus.has(id)) setFocus(null);
    ensureVisible(id);
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), D.large ? 0.8 : 1.0), animation: false });
    showNode(id);
  }
  api.select = select;

  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  // -- search ----------------------------------------------------------------------------------

  var search = document.getElementById("search");
  var results = document.getElementById("results");
  var ids = Object.keys(D.info);

  // exact name, name start, word start, anywhere in a name, then the id; entities before relation nodes
  function rank(info, q) {
    var best = 99;
    info.search.forEach(function (k) {
      var r = k === q ? 0 : k.indexOf(q) === 0 ? 1 : k.indexOf(" " + q) >= 0 ? 2 : k.indexOf(q) >= 0 ? 3 : 99;
      if (r < best) best = r;
    });
    if (best === 99 && info.id.indexOf(q) >= 0) best = info.id === q || info.id.endsWith("/" + q) ? 4 : 5;
    return best === 99 ? best : best + (info.nary ? 10 : 0);
  }

  function matches(query) {
    var q = fold(query);
    if (!q) return [];
    var found = [];
    ids.forEach(function (id) {
      var r = rank(D.info[id], q);
      if (r < 99) found.push([r, D.info[id].label, id]);
    });
    found.sort(function (a, b) {
      return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
    });
    return found.map(function (f) {
      return f[2];
    });
  }
  api.matches = matches;

  function showResults() {
    results.replaceChildren();
    var found = matches(search.value);
    if (!search.value.trim()) return;
    if (!found.length) {
      results.appendChild(el("li", "none", U.no_results));
      return;
    }
    found.slice(0, 30).forEach(function (id) {
      var b = el("button", null, D.info[id].label, [el("span", "cls", D.info[id].clsLabel)]);
      b.type = "button";
      b.addEventListener("click", function () {
        select(id);
      });
      results.appendChild(el("li", null, null, [b]));
    });
  }

  search.addEventListener("input", showResults);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var found = matches(search.value);
      if (found.length) select(found[0]);
    } else if (ev.key === "Escape") {
      search.value = "";
      showResults();
    }
  });

  // -- addresses: #node=IRI selects a node, #focus=IRI&depth=N shows its neighbourhood -------------

  function applyHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    var focus = params.get("focus");
    var node = params.get("node");
    if (focus && D.info[focus]) {
      var depth = Math.max(0, Math.min(6, parseInt(params.get("depth") || "1", 10) || 1));
      setFocus(focus, depth);
      select(focus);
    } else {
      if (state.focus) setFocus(null);
      if (node && D.info[node]) select(node);
    }
  }
  window.addEventListener("hashchange", applyHash);

  // -- ready: once drawn (after the layout has settled, when the browser lays it out) ----------

  if (!D.nodes.length) {
    document.querySelector("#panel .hint").textContent = U.empty;
    markReady();
  } else if (D.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markReady);
  }
})();
