// The citizen's prover, off the page's thread so the page stays
// responsive: it holds the prepared identity prover (the key checked
// against the manifest) and answers "prepare" and "prove" messages. It
// makes no request of its own beyond loading the module: the page fetches
// the keys and hands every input in.
import init, { Prover } from "./pkg/zkgov_citizen.js";

const ready = init();
let prover = null;

function failure(e) {
  if (e && typeof e.code === "string") return { code: e.code, error: e.error, message: e.message };
  return { code: "failed", error: "Error", message: String(e && e.message ? e.message : e) };
}

onmessage = async ({ data }) => {
  try {
    await ready;
    const t = performance.now();
    if (data.type === "prepare") {
      prover?.free();
      prover = null;
      prover = new Prover(data.manifest, data.pk, data.vk, data.pointsCheckedBefore === true);
      postMessage({ type: "prepared", ms: performance.now() - t });
    } else if (data.type === "prove") {
      if (!prover) throw new Error("the proving key is not ready");
      const out = prover.proveIdentity(
        data.request, data.receipt, data.logKey, data.now,
        data.credential, data.holder, data.issuers,
      );
      postMessage({ type: "proved", out, ms: performance.now() - t });
    }
  } catch (e) {
    postMessage({ type: "failed", stage: data.type, failure: failure(e) });
  }
};
