pragma circom 2.0.0;
// zkgov benchmark circuit: the issue's depth-20 Poseidon membership + nullifier
// statement. The leaf is Poseidon(secret); the path climbs a binary Poseidon(2)
// tree; the nullifier is Poseidon(scope, secret). Public: root, nullifier, scope.
include "circomlib/circuits/poseidon.circom";

template Membership(depth) {
    signal input secret;
    signal input scope;
    signal input path[depth];
    signal input index[depth];
    signal output root;
    signal output nullifier;

    signal cur[depth + 1];
    signal left[depth];
    component h[depth];
    cur[0] <== Poseidon(1)([secret]);
    for (var i = 0; i < depth; i++) {
        index[i] * (1 - index[i]) === 0;
        left[i] <== cur[i] + index[i] * (path[i] - cur[i]);
        h[i] = Poseidon(2);
        h[i].inputs[0] <== left[i];
        h[i].inputs[1] <== path[i] + cur[i] - left[i];
        cur[i + 1] <== h[i].out;
    }
    root <== cur[depth];
    nullifier <== Poseidon(2)([scope, secret]);
}

component main {public [scope]} = Membership(20);
