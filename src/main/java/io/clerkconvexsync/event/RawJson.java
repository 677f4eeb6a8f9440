package io.clerkconvexsync.event;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A JSON value kept as the bytes it arrived as. The event's {@code data} travels to Convex this way, so what Convex
 * receives is byte for byte what Clerk signed (no re-encoding of numbers or unicode), and no tree is built per event.
 * {@link #toString()} gives the JSON text, which is what {@code ${exchangeProperty.clerkEventData}} renders in a route.
 */
public final class RawJson {
    private final byte[] bytes;
    private final int offset;
    private final int length;

    private RawJson(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    /** A value that is already valid JSON, from {@code offset} for {@code length} bytes of {@code bytes}. */
    public static RawJson slice(byte[] bytes, int offset, int length) {
        return new RawJson(bytes, offset, length);
    }

    /** JSON text that is known to be valid. */
    public static RawJson of(String json) {
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        return new RawJson(utf8, 0, utf8.length);
    }

    /** A JSON string holding {@code text}. */
    public static RawJson string(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 2);
        writeString(out, text);
        byte[] quoted = out.toByteArray();
        return new RawJson(quoted, 0, quoted.length);
    }

    /** The object {@code {"<name>": <value>}}. */
    public static RawJson object(String name, RawJson value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + name.length() + 8);
        out.write('{');
        writeString(out, name);
        out.write(':');
        value.writeTo(out);
        out.write('}');
        byte[] object = out.toByteArray();
        return new RawJson(object, 0, object.length);
    }

    public void writeTo(ByteArrayOutputStream out) {
        out.write(bytes, offset, length);
    }

    /** Writes {@code text} as a quoted, escaped JSON string. */
    public static void writeString(ByteArrayOutputStream out, String text) {
        out.write('"');
        out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(text));
        out.write('"');
    }

    @Override
    public String toString() {
        return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }
}
