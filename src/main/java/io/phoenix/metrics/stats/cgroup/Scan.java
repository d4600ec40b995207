package io.phoenix.metrics.stats.cgroup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * One reusable read buffer plus an allocation-free cursor over what was read into it. The sampler thread owns
 * exactly one; every kernel file of a pass is read into it with positional reads and parsed in place (no Strings,
 * no split). Not thread-safe.
 * <p>
 * The kernel writes into a direct buffer (a heap one would be copied through a temporary direct buffer anyway); the
 * bytes are then copied once, in bulk, to a heap array and parsed there: reading a direct buffer byte by byte costs
 * a bounds and scope check per byte in code compiled by C1 only, which the shipped options use.
 */
final class Scan {

    /** A value the file did not contain. */
    static final long NONE = Long.MIN_VALUE;
    /** cgroup v2's "max" (no limit). */
    static final long MAX = Long.MAX_VALUE;

    /**
     * A seq_file with one record per line (cgroup.procs, net/dev) answers at most about one page per read even when
     * asked for more, so a read this long may not be the last; shorter ones are. Single-record files (every cgroup
     * stat file, /proc/stat, /proc/PID/io) return all of their content in one read when the buffer is big enough.
     */
    private static final int SHORT_READ = 2048;

    private ByteBuffer buf;
    private byte[] data;
    private int pos;
    private int len;

    Scan() {
        this(64 * 1024);
    }

    Scan(int capacity) {
        buf = ByteBuffer.allocateDirect(capacity);
        data = new byte[capacity];
    }

    /** Reads the whole file from offset 0 (the kernel regenerates it on every read at 0) and puts the cursor at its start. */
    Scan load(FileChannel channel, boolean multiRecord) throws IOException {
        buf.clear();
        long offset = 0;
        while (true) {
            int n = channel.read(buf, offset);
            if (n <= 0) {
                break;
            }
            offset += n;
            if (!buf.hasRemaining()) {
                grow();
            } else if (!multiRecord || n < SHORT_READ) {
                break;
            }
        }
        len = (int) offset;
        buf.get(0, data, 0, len);
        pos = 0;
        return this;
    }

    /** For tests and for content that is already in memory. */
    Scan load(byte[] content) {
        buf.clear();
        while (buf.capacity() < content.length) {
            grow();
        }
        System.arraycopy(content, 0, data, 0, content.length);
        len = content.length;
        pos = 0;
        return this;
    }

    private void grow() {
        ByteBuffer bigger = ByteBuffer.allocateDirect(buf.capacity() * 2);
        buf.flip();
        bigger.put(buf);
        buf = bigger;
        data = new byte[bigger.capacity()];
    }

    int capacity() {
        return buf.capacity();
    }

    int length() {
        return len;
    }

    boolean more() {
        return pos < len;
    }

    /** Moves past the next newline (or to the end). */
    void nextLine() {
        while (pos < len && data[pos] != '\n') {
            pos++;
        }
        if (pos < len) {
            pos++;
        }
    }

    void skipBlanks() {
        while (pos < len) {
            byte b = data[pos];
            if (b != ' ' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    boolean atDigit() {
        return pos < len && isDigit(data[pos]);
    }

    byte peek() {
        return pos < len ? data[pos] : 0;
    }

    void skip(int n) {
        pos = Math.min(len, pos + n);
    }

    int position() {
        return pos;
    }

    /** Whether the bytes at the cursor are {@code word}; does not move. */
    boolean startsWith(byte[] word) {
        if (pos + word.length > len) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (data[pos + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a line starts with {@code key} followed by a separator (' ', ':', '='); if so the cursor moves past the
     * key and the separators, to the value.
     */
    boolean key(byte[] key) {
        if (!startsWith(key)) {
            return false;
        }
        int after = pos + key.length;
        if (after < len) {
            byte b = data[after];
            if (b != ' ' && b != ':' && b != '=' && b != '\t') {
                return false;
            }
        }
        pos = after;
        while (pos < len) {
            byte b = data[pos];
            if (b != ' ' && b != ':' && b != '=' && b != '\t') {
                break;
            }
            pos++;
        }
        return true;
    }

    /**
     * The unsigned decimal at the cursor (after blanks), or {@link #MAX} for the word "max", or {@link #NONE} when
     * there is neither. Values beyond a long (never seen) saturate at Long.MAX_VALUE.
     */
    long number() {
        skipBlanks();
        if (startsWith(MAX_WORD)) {
            pos += MAX_WORD.length;
            return MAX;
        }
        if (!atDigit()) {
            return NONE;
        }
        long value = 0;
        while (pos < len) {
            byte b = data[pos];
            if (!isDigit(b)) {
                break;
            }
            int digit = b - '0';
            value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
            pos++;
        }
        return value;
    }

    /** The file's first value (cpuacct.usage, memory.current, pids.current, memory.max ...). */
    long single() {
        pos = 0;
        return number();
    }

    /**
     * A flat keyed file ("key value" per line, or "key: value" as /proc/PID/io): fills {@code out[i]} with the value
     * of {@code keys[i]}, {@link #NONE} where absent. Reads from the start of the buffer.
     */
    void keyed(byte[][] keys, long[] out) {
        java.util.Arrays.fill(out, 0, keys.length, NONE);
        pos = 0;
        int found = 0;
        while (pos < len && found < keys.length) {
            for (int i = 0; i < keys.length; i++) {
                if (out[i] == NONE && key(keys[i])) {
                    out[i] = number();
                    found++;
                    break;
                }
            }
            nextLine();
        }
    }

    /** Bytes between the cursor and the first {@code stop} byte (or blank/newline), as a String; moves past it. */
    String token(byte stop) {
        int start = pos;
        while (pos < len) {
            byte b = data[pos];
            if (b == stop || b == '\n' || b == ' ') {
                break;
            }
            pos++;
        }
        return new String(data, start, pos - start, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Whether the bytes of [from, to) equal {@code word}. */
    boolean regionEquals(int from, int to, byte[] word) {
        if (to - from != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (data[from + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    /** A hash of the bytes [from, to), to recognise a name seen before without making a String. */
    int hash(int from, int to) {
        int h = 1;
        for (int i = from; i < to; i++) {
            h = 31 * h + data[i];
        }
        return h;
    }

    String string(int from, int to) {
        return new String(data, from, to - from, java.nio.charset.StandardCharsets.US_ASCII);
    }

    byte at(int index) {
        return data[index];
    }

    void moveTo(int position) {
        pos = Math.min(len, position);
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static final byte[] MAX_WORD = ascii("max");
}
