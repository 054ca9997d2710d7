package dev.allotment.services.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * How one instance sends another the engine's values on the internal routes: a count, then each value in Avro binary
 * (the schema of the class both instances run; a value the reader's class cannot read fails the read, which the sender
 * treats as "this copy does not answer"). Optional values are lists of zero or one.
 */
public final class StateFrames {
    private StateFrames() {}

    /** Writes one item of a frame. */
    @FunctionalInterface
    public interface ItemWriter<T> {
        void write(T item, Frame out) throws IOException;
    }

    /** Reads one item of a frame. */
    @FunctionalInterface
    public interface ItemReader<T> {
        T read(Frame in) throws IOException;
    }

    public static <T> byte[] encode(List<T> items, ItemWriter<T> writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        Frame frame = new Frame(encoder, null);
        try {
            encoder.writeInt(items.size());
            for (T item : items) {
                writer.write(item, frame);
            }
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static <T> List<T> decode(byte[] body, ItemReader<T> reader) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(body, null);
        Frame frame = new Frame(null, decoder);
        try {
            int count = decoder.readInt();
            if (count < 0 || count > body.length) {   // every value takes a byte at least: a count past that is no frame
                throw new IOException("a count of " + count + " values in " + body.length + " bytes");
            }
            List<T> items = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                items.add(reader.read(frame));
            }
            if (!decoder.isEnd()) {
                throw new IOException("bytes left after " + count + " values");
            }
            return items;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a frame of engine values: " + e.getMessage(), e);
        }
    }

    /** A record of {@code type}, item by item. */
    public static <T extends SpecificRecord> ItemWriter<T> records() {
        return (item, out) -> out.record(item);
    }

    public static <T extends SpecificRecord> ItemReader<T> records(Class<T> type) {
        return in -> in.record(type);
    }

    /** One side of a frame: records and strings in Avro binary. */
    public static final class Frame {
        private final BinaryEncoder encoder;
        private final BinaryDecoder decoder;

        Frame(BinaryEncoder encoder, BinaryDecoder decoder) {
            this.encoder = encoder;
            this.decoder = decoder;
        }

        @SuppressWarnings("unchecked")
        public <T extends SpecificRecord> void record(T value) throws IOException {
            new SpecificDatumWriter<>((Class<T>) value.getClass()).write(value, encoder);
        }

        public void string(String value) throws IOException {
            encoder.writeString(value);
        }

        public <T extends SpecificRecord> T record(Class<T> type) throws IOException {
            return new SpecificDatumReader<>(type).read(null, decoder);
        }

        public String string() throws IOException {
            return decoder.readString();
        }
    }
}
