/**
 * Networks as graphs (issue 14, first step): a DAG of named tensors and ONNX-named operators
 * ({@link dev.mcdrop.graph.Graph}, {@link dev.mcdrop.graph.Node}, {@link dev.mcdrop.graph.Op}),
 * checked and shape-inferred when built; the chain networks as graphs
 * ({@link dev.mcdrop.graph.Graph#fromChain}); the prefix-once rule on a DAG
 * ({@link dev.mcdrop.graph.McPartition}); batch-norm folding ({@link dev.mcdrop.graph.Folding});
 * and the float64 control every backend kernel is tested against
 * ({@link dev.mcdrop.graph.ReferenceGraphExecutor}). The chain engine (model, predict, backends) is
 * unchanged beside it. docs/GRAPH.md describes the IR and every operator's semantics.
 */
package dev.mcdrop.graph;
