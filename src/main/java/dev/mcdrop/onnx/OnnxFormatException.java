package dev.mcdrop.onnx;

import java.io.IOException;

/**
 * An ONNX file (a model or a TensorProto .pb) that cannot be trusted or is not what mcdrop reads:
 * truncated, malformed protobuf, a field of the wrong kind, sizes that disagree, external data
 * outside the model's directory, an attribute asked for with the wrong type. The message is one
 * line: the file, then the place inside it, then what is wrong, e.g.
 * {@code net.onnx: graph.node[12] 'conv1' (Conv): attribute 'pads' is INT, expected INTS}.
 * Text from the file (names, op types, keys) is escaped and shortened ({@link dev.mcdrop.io.Names}).
 * Build one through {@link Origin#error(String)} so the place is always named.
 */
public final class OnnxFormatException extends IOException {

    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
