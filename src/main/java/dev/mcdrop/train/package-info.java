/**
 * Training the paper's Bayesian LeNets on the CPU, reproducibly: {@link dev.mcdrop.train.Trainer}
 * runs Caffe's LeNet solver ({@link dev.mcdrop.train.TrainConfig#paper}) over any
 * {@link dev.mcdrop.model.Network}, with dropout active (masks from
 * {@link dev.mcdrop.rng.DropoutMask}), drawing minibatches from a {@link dev.mcdrop.train.TrainingSet}
 * and handing weights to a {@link dev.mcdrop.train.CheckpointSink}. The GEMM is a plug
 * ({@link dev.mcdrop.train.GemmKernel}); everything else is plain Java on CNHW float arrays:
 * {@code Im2col}, {@code Pooling}, {@code Pointwise}, {@code SoftmaxLoss}, {@code Sgd}.
 */
package dev.mcdrop.train;
