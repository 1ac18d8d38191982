package dev.mcdrop.train;

import java.io.IOException;
import java.util.Map;

/**
 * Where the trainer hands its weights every {@code checkpointEvery} iterations and at the end
 * (the safetensors writer implements it). {@code params} is keyed by
 * {@link dev.mcdrop.model.ParamSpec#tensorName()} in PyTorch layout (conv OIHW, dense out×in,
 * bias [out]); the arrays are fresh copies the sink may keep.
 */
@FunctionalInterface
public interface CheckpointSink {
    void save(int iteration, Map<String, float[]> params) throws IOException;
}
