package io.phoenix.metrics.output.remotewrite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader written from the two format descriptions alone (snappy's format_description.txt, protobuf's encoding
 * page and Prometheus' prompb field numbers), sharing no code with snappy-java or protobuf-java, so a test that
 * decodes what the agent sent with it checks the bytes, not the library against itself.
 */
final class IndependentDecoder {

    /** One decoded TimeSeries: labels in wire order, samples as (timestamp ms, value). */
    record Series(Map<String, String> labels, List<long[]> timestamps, List<Double> values, List<String> labelOrder) {
    }

    private IndependentDecoder() {
    }

    /** Snappy block format: varint uncompressed length, then literal and copy elements. */
    static byte[] unsnappy(byte[] in) {
        int[] pos = {0};
        byte[] out = new byte[(int) varint(in, pos)];
        int o = 0;
        while (pos[0] < in.length) {
            int tag = in[pos[0]++] & 0xff;
            int type = tag & 3;
            if (type == 0) { // literal
                int len = tag >>> 2;
                if (len >= 60) {
                    int bytes = len - 59;
                    len = 0;
                    for (int i = 0; i < bytes; i++) {
                        len |= (in[pos[0]++] & 0xff) << (8 * i);
                    }
                }
                len += 1;
                System.arraycopy(in, pos[0], out, o, len);
                pos[0] += len;
                o += len;
                continue;
            }
            int len;
            int offset;
            if (type == 1) {
                len = ((tag >>> 2) & 7) + 4;
                offset = ((tag >>> 5) << 8) | (in[pos[0]++] & 0xff);
            } else if (type == 2) {
                len = (tag >>> 2) + 1;
                offset = (in[pos[0]] & 0xff) | (in[pos[0] + 1] & 0xff) << 8;
                pos[0] += 2;
            } else {
                len = (tag >>> 2) + 1;
                offset = ByteBuffer.wrap(in, pos[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                pos[0] += 4;
            }
            if (offset <= 0 || offset > o) {
                throw new IllegalArgumentException("bad copy offset " + offset + " at " + o);
            }
            for (int i = 0; i < len; i++, o++) { // byte by byte: a copy may overlap its own output
                out[o] = out[o - offset];
            }
        }
        if (o != out.length) {
            throw new IllegalArgumentException("length " + o + " != header " + out.length);
        }
        return out;
    }

    /** WriteRequest (field 1: TimeSeries; TimeSeries 1: Label, 2: Sample; Label 1/2 strings; Sample 1 double, 2 int64). */
    static List<Series> writeRequest(byte[] message) {
        List<Series> series = new ArrayList<>();
        for (Field f : fields(message)) {
            if (f.number == 1 && f.bytes != null) {
                Map<String, String> labels = new LinkedHashMap<>();
                List<String> order = new ArrayList<>();
                List<long[]> timestamps = new ArrayList<>();
                List<Double> values = new ArrayList<>();
                for (Field ts : fields(f.bytes)) {
                    if (ts.number == 1) {
                        String name = "";
                        String value = "";
                        for (Field l : fields(ts.bytes)) {
                            String s = new String(l.bytes, StandardCharsets.UTF_8);
                            if (l.number == 1) {
                                name = s;
                            } else if (l.number == 2) {
                                value = s;
                            }
                        }
                        labels.put(name, value);
                        order.add(name);
                    } else if (ts.number == 2) {
                        double value = 0;
                        long timestamp = 0;
                        for (Field s : fields(ts.bytes)) {
                            if (s.number == 1) {
                                value = Double.longBitsToDouble(s.fixed);
                            } else if (s.number == 2) {
                                timestamp = s.varint;
                            }
                        }
                        values.add(value);
                        timestamps.add(new long[]{timestamp});
                    }
                }
                series.add(new Series(labels, timestamps, values, order));
            }
        }
        return series;
    }

    private record Field(int number, long varint, long fixed, byte[] bytes) {
    }

    private static List<Field> fields(byte[] in) {
        List<Field> fields = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < in.length) {
            long key = varint(in, pos);
            int number = (int) (key >>> 3);
            switch ((int) (key & 7)) {
                case 0 -> fields.add(new Field(number, varint(in, pos), 0, null));
                case 1 -> {
                    long bits = ByteBuffer.wrap(in, pos[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    pos[0] += 8;
                    fields.add(new Field(number, 0, bits, null));
                }
                case 2 -> {
                    int len = (int) varint(in, pos);
                    byte[] bytes = java.util.Arrays.copyOfRange(in, pos[0], pos[0] + len);
                    pos[0] += len;
                    fields.add(new Field(number, 0, 0, bytes));
                }
                default -> throw new IllegalArgumentException("unexpected wire type in key " + key);
            }
        }
        return fields;
    }

    private static long varint(byte[] in, int[] pos) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in[pos[0]++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }
}
