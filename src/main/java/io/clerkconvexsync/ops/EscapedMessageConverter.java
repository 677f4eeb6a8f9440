package io.clerkconvexsync.ops;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %escapedMsg} in the plain log format: the message with control characters written as escapes ({@code \n},
 * {@code \r}, {@code \t}, {@code \u001b}…), so that a value from a request (a signed {@code data.id} holding a newline)
 * can neither split a log line nor forge one. The JSON format escapes them already.
 */
public final class EscapedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return escape(super.convert(event));
    }

    /** Also for the CLI's human output of stored fields (dead-letters list). */
    public static String escape(String message) {
        if (message == null || message.chars().noneMatch(EscapedMessageConverter::isControl)) {
            return message; // the common case, without a copy
        }
        StringBuilder escaped = new StringBuilder(message.length() + 16);
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (isControl(c)) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    /** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
    public static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
    }
}
