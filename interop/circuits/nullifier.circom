pragma circom 2.1.0;

// zkgov interop fixture circuit (used only to produce snarkjs Groth16 fixtures).
//
//   private input  secret
//   public  input  scope
//   output         nullifier  = Poseidon(2)([scope, secret])
//   output         commitment = Poseidon(1)([secret])
//
// Public signals as snarkjs orders them: [nullifier, commitment, scope]
// (outputs first, in declaration order, then public inputs).
//
// Compiled with `-l <interop>/node_modules`, so the include below resolves to
// node_modules/circomlib/circuits/poseidon.circom (circomlib 2.0.5).
include "circomlib/circuits/poseidon.circom";

template Nullifier() {
    signal input secret;
    signal input scope;
    signal output nullifier;
    signal output commitment;

    nullifier <== Poseidon(2)([scope, secret]);
    commitment <== Poseidon(1)([secret]);
}

component main {public [scope]} = Nullifier();
