pragma circom 2.1.0;

// A benchmark circuit about the size of zkgov's identity statement (16,799
// constraints, domain 2^15): a chain of 69 Poseidon(2) hashes, 237
// constraints each under --O2 (16,353 in all, domain 2^15). Used only to time snarkjs proving next to
// zkgov's wasm prover in the same browser (benches/browser/).
//
//   private input  x
//   output         out = h_68, where h_{-1} = x, h_i = Poseidon(2)([h_{i-1}, i])
include "circomlib/circuits/poseidon.circom";

template PoseidonChain(n) {
    signal input x;
    signal output out;
    signal s[n + 1];
    component h[n];
    s[0] <== x;
    for (var i = 0; i < n; i++) {
        h[i] = Poseidon(2);
        h[i].inputs[0] <== s[i];
        h[i].inputs[1] <== i;
        s[i + 1] <== h[i].out;
    }
    out <== s[n];
}

component main = PoseidonChain(69);
