// The agency's page: verifies a bundle with the wasm build of
// zkgov-verifier, and, when given, the ledger's receipt that anchors it
// (checked offline against the log key), and says exactly what the agency
// learned.
import init, { verifyRecordBundle, verifyIdentityBundle, verifyAnchorReceipt } from "./pkg/zkgov_verifier.js";

const ready = init();
const $ = (id) => document.getElementById(id);

async function text(input) {
  const f = input.files[0];
  return f ? await f.text() : null;
}

function show(kind, title, rows) {
  const out = $("result");
  out.className = kind;
  out.replaceChildren();
  const h = document.createElement("h2");
  h.textContent = title;
  out.append(h);
  const dl = document.createElement("dl");
  for (const [k, v] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    dl.append(dt, dd);
  }
  out.append(dl);
  out.focus();
}

function refused(e) {
  if (e && typeof e.code === "string") {
    show("refused", `Refused (${e.code})`, [["why", e.message]]);
  } else {
    show("refused", "Refused (malformed)", [["why", String(e && e.message ? e.message : e)]]);
  }
}

$("verify").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    await ready;
    const vk = new Uint8Array(await $("vk").files[0].arrayBuffer());
    const ask = await text($("ask"));
    const bundle = await text($("bundle"));
    let statement;
    try {
      statement = JSON.parse(bundle).statement;
    } catch {
      throw new Error("the bundle is not JSON: is this the right file?");
    }
    let out;
    if (statement === "zkgov/record-membership/v2") {
      out = JSON.parse(verifyRecordBundle(vk, bundle, ask));
    } else if (statement === "zkgov/identity/v2") {
      out = JSON.parse(verifyIdentityBundle(vk, bundle, ask));
    } else {
      throw new Error(`not a zkgov bundle for a statement this page checks (${statement})`);
    }
    const rows = [["statement", out.statement]];
    const disclosed = Array.isArray(out.disclosed)
      ? out.disclosed.map((d) => [d.name ?? `field ${d.slot}`, d.value])
      : Object.entries(out.disclosed ?? {}).map(([k, v]) => [k, JSON.stringify(v)]);
    if (out.policy) rows.push(["policy that holds", out.policy]);
    if (out.root) rows.push(["registry root", out.root]);
    for (const [k, v] of disclosed) rows.push([`disclosed: ${k}`, v]);
    if (disclosed.length === 0) rows.push(["disclosed", "nothing"]);
    rows.push(["nullifier (same citizen, same scope: same value)", out.nullifier]);
    const receipt = await text($("receipt"));
    if (receipt !== null) {
      const logKey = $("log-key").value.trim();
      if (!logKey) throw new Error("a receipt is checked against the ledger's log key: give it too");
      const a = JSON.parse(verifyAnchorReceipt(bundle, receipt, logKey));
      rows.push(["anchored on the ledger", `entry ${a.index}, in the checkpoint of ${a.checkpoint.origin} at size ${a.checkpoint.size}`]);
      rows.push(["anchored at", new Date(a.anchored_at * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC"]);
    } else {
      rows.push(["anchored on the ledger", "not checked (no receipt given)"]);
    }
    show("valid", "Valid: the citizen's statement holds", rows);
  } catch (e) {
    refused(e);
  }
});
