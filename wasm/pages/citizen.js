// The citizen's page: reads an agency's signed request and says in words
// what it asks; proves it on this device with the citizen's credential
// and holder file, which are read here and never sent anywhere; offers
// the bundle for download, or sends it to the agency's address the site
// lists for it.
//
// What it fetches, all from its own origin (site.json says where):
//   site.json                     the ledger's log key, where the rest is
//   <ledger>/v1/agencies/<name>   the receipt of the agency's registration
//   <keys>/manifest.json          the key manifest (digests)
//   <keys>/<file>                 the identity keys, once: checked against
//                                 the manifest (every point on first use),
//                                 kept in the Cache Storage
//   <issuers>                     the accreditation authority's list
import init, { checkRequest, keyFiles } from "./pkg/zkgov_citizen.js";

const ready = init();
const $ = (id) => document.getElementById(id);
const KEY_CACHE = "zkgov-keys-v1";
const timings = (window.zkgovTimings = {});

let site = null;
let request = null; // { text, receipt, asked }
let keys = null; // a promise: the worker holds the prepared prover
const worker = new Worker(new URL("./citizen-worker.js", import.meta.url), { type: "module" });

class PageError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function call(msg, transfer = []) {
  return new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === "failed") reject(data.failure);
      else resolve(data);
    };
    worker.postMessage(msg, transfer);
  });
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function rows(dl, pairs) {
  for (const [k, v] of pairs) dl.append(el("dt", k), el("dd", v));
  return dl;
}

// Errors in words: what went wrong and what to do.
function explain(e) {
  const code = e && typeof e.code === "string" ? e.code : "failed";
  const msg = String(e && e.message ? e.message : e);
  if (e && e.error === "RequestRefused" && /expired/.test(msg)) {
    return ["This request has expired", `Ask the agency for a new one. (${msg})`];
  }
  if (code === "bad-key") {
    return ["The proving key does not match the site's manifest",
      `Nothing was proven. The key file may be damaged or replaced; reload the page, and tell the site's operator if it persists. (${msg})`];
  }
  if (code === "malformed") {
    return ["Wrong file, or a damaged one", `Check that each file is the one asked for. (${msg})`];
  }
  if (code === "unsatisfied") {
    return ["Your credential cannot answer this request",
      `Your files do not satisfy what is asked, or they do not belong together. (${msg})`];
  }
  if (code === "mismatch" || code === "invalid-proof") {
    return ["This request is refused", msg];
  }
  return ["Something failed", msg];
}

function refuse(where, e) {
  const [title, why] = explain(e);
  const out = $(where);
  out.className = "refused";
  out.replaceChildren(el("h3", title), el("p", why));
  out.focus();
}

async function fetchOk(url, what, init) {
  let r;
  try {
    r = await fetch(url, init);
  } catch (e) {
    throw new PageError("failed", `${what}: could not be fetched (${e.message})`);
  }
  if (!r.ok) throw new PageError("failed", `${what}: HTTP ${r.status} from ${url}`);
  return r;
}

async function loadSite() {
  if (!site) site = await (await fetchOk("site.json", "the site's settings", { cache: "no-cache" })).json();
  return site;
}

// A key file: from the Cache Storage when there, else fetched and cached.
// What the cache holds is checked like what the network gives (the
// prover checks size and SHA-256 against the manifest).
async function keyBytes(file, fresh) {
  const url = new URL(`${site.keys}/${file.file}?sha256=${file.sha256}`, location.href).href;
  const cache = "caches" in self ? await caches.open(KEY_CACHE) : null;
  if (cache && !fresh) {
    const hit = await cache.match(url);
    if (hit) return { bytes: new Uint8Array(await hit.arrayBuffer()), cached: true };
  }
  const r = await fetchOk(url, `the key file ${file.file}`);
  const bytes = new Uint8Array(await r.arrayBuffer());
  if (cache) await cache.put(url, new Response(bytes.slice()));
  return { bytes, cached: false };
}

async function prepareKeys() {
  await loadSite();
  await ready;
  const t = performance.now();
  stage("Fetching the proving key (once; it is kept for next time)");
  const manifest = await (await fetchOk(`${site.keys}/manifest.json`, "the key manifest", { cache: "no-cache" })).text();
  const files = JSON.parse(keyFiles(manifest));
  for (let attempt = 0; ; attempt++) {
    const pk = await keyBytes(files.proving_key, attempt > 0);
    const vk = await keyBytes(files.verifying_key, attempt > 0);
    timings.key_fetch_ms = performance.now() - t;
    timings.key_cached = pk.cached && vk.cached;
    stage("Checking the key against the manifest and preparing it");
    // Every point of a proving key is validated on its first use in this
    // browser; after that its digest (still checked every time) is enough.
    const checkedKey = `zkgov-points-checked:${files.proving_key.sha256}`;
    const pointsCheckedBefore = localStorage.getItem(checkedKey) === "1";
    try {
      const r = await call({ type: "prepare", manifest, pk: pk.bytes, vk: vk.bytes, pointsCheckedBefore },
        [pk.bytes.buffer, vk.bytes.buffer]);
      timings.prepare_ms = r.ms;
      timings.points_checked_before = pointsCheckedBefore;
      localStorage.setItem(checkedKey, "1");
      return;
    } catch (e) {
      // A cached copy that no longer matches is dropped and fetched again, once.
      if (e.code === "bad-key" && attempt === 0 && (pk.cached || vk.cached)) continue;
      throw e;
    }
  }
}

function stage(text) {
  $("progress").hidden = false;
  $("stage").textContent = text;
}

function done() {
  $("progress").hidden = true;
}

async function readRequest() {
  $("run").disabled = true;
  $("result").replaceChildren();
  $("result").className = "";
  try {
    await loadSite();
    await ready;
    const text = $("request-text").value.trim();
    let agency;
    try {
      agency = JSON.parse(text).agency;
    } catch {
      throw new PageError("malformed", "the request is not JSON: paste the agency's whole request, or open its link again");
    }
    if (typeof agency !== "string") throw new PageError("malformed", "this is not an agency's presentation request");
    const receipt = await (await fetchOk(`${site.ledger}/v1/agencies/${encodeURIComponent(agency)}`,
      `the ledger's record of ${agency}`)).text();
    const asked = JSON.parse(checkRequest(text, receipt, site.log_key, Date.now() / 1000));
    request = { text, receipt, asked };
    showAsked(asked);
    $("run").disabled = false;
    keys ??= prepareKeys().finally(done);
    keys.catch(() => { keys = null; });
  } catch (e) {
    request = null;
    refuse("asked", e);
  }
}

function showAsked(a) {
  const out = $("asked");
  out.className = "valid";
  const proves = el("ul", undefined, "facts");
  for (const p of a.proves) proves.append(el("li", p));
  const shows = el("ul", undefined, "facts");
  for (const d of a.discloses) shows.append(el("li", d.replace(/_/g, " ")));
  if (a.discloses.length === 0) shows.append(el("li", "nothing"));
  const expires = new Date(a.expires_at * 1000).toISOString().replace("T", " ").slice(0, 16) + " UTC";
  out.replaceChildren(
    el("h3", `${a.agency} asks you to prove, for “${a.policy_name}”:`),
    proves,
    el("p", "without showing the values themselves. It will see:"),
    shows,
    rows(el("dl"), [
      ["who asks", `${a.agency} (its signature checked against its registration on the ledger ${a.ledger})`],
      ["credential from", a.issuer],
      ["scope", `“${a.scope_label}”: the agency can tell whether you answered before in this scope, and nothing across other scopes or agencies`],
      ["valid until", expires],
    ]),
  );
  out.focus();
}

function showResult(out, agency) {
  const result = $("result");
  result.className = "valid";
  const blob = new Blob([out.bundle], { type: "application/json" });
  const link = el("a", "Download the proof (bundle JSON)");
  link.href = URL.createObjectURL(blob);
  link.download = "zkgov-bundle.json";
  const actions = el("div", undefined, "actions");
  actions.append(link);
  const submit = site.submit?.[agency];
  if (submit) {
    const send = el("button", `Send it to ${agency}`);
    send.type = "button";
    send.id = "send";
    send.addEventListener("click", async () => {
      send.disabled = true;
      try {
        const r = await fetchOk(submit, `sending to ${agency}`, {
          method: "POST", headers: { "content-type": "application/json" }, body: out.bundle,
        });
        actions.append(el("span", `Sent: ${agency} answered HTTP ${r.status}.`));
      } catch (e) {
        send.disabled = false;
        actions.append(el("span", explain(e)[1]));
      }
    });
    actions.append(send);
  }
  const shown = out.disclosed.map((d) => [`${agency} will see: ${d.name.replace(/_/g, " ")}`, typeof d.value === "string" ? d.value : JSON.stringify(d.value)]);
  if (shown.length === 0) shown.push([`${agency} will see`, "nothing but the proof"]);
  result.replaceChildren(
    el("h3", "Proven on this device"),
    rows(el("dl"), [
      ...shown,
      ["your answer's tag in this scope (nullifier)", out.nullifier],
      ["proving took", `${(timings.prove_ms / 1000).toFixed(1)} s`],
    ]),
    actions,
  );
  result.focus();
}

async function fileText(input, what) {
  const f = input.files[0];
  if (!f) throw new PageError("malformed", `choose your ${what}`);
  if (f.size > 1 << 20) throw new PageError("malformed", `that is not a ${what}: it is over 1 MB`);
  return await f.text();
}

$("read-request").addEventListener("click", readRequest);

$("prove").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("run").disabled = true;
  $("result").replaceChildren();
  try {
    if (!request) throw new PageError("malformed", "read a request first");
    const credential = await fileText($("credential"), "credential");
    const holder = await fileText($("holder"), "holder file");
    keys ??= prepareKeys().finally(done);
    await keys;
    stage("Proving on this device");
    const issuers = await (await fetchOk(site.issuers, "the accredited issuers' list", { cache: "no-cache" })).text();
    const t = performance.now();
    const r = await call({
      type: "prove", request: request.text, receipt: request.receipt, logKey: site.log_key,
      now: Date.now() / 1000, credential, holder, issuers,
    });
    timings.prove_ms = r.ms;
    timings.prove_roundtrip_ms = performance.now() - t;
    done();
    showResult(JSON.parse(r.out), request.asked.agency);
  } catch (e) {
    done();
    refuse("result", e);
  } finally {
    $("run").disabled = !request;
  }
});

// A request carried in the link: citizen.html#request=<base64url JSON>.
function fromLink() {
  const m = /(?:^#|&)request=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (!m) return false;
  try {
    const b64 = m[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    $("request-text").value = new TextDecoder().decode(bytes);
  } catch {
    refuse("asked", new PageError("malformed", "the link does not carry a readable request"));
    return false;
  }
  return true;
}

if (fromLink()) readRequest();
