package io.clerkconvexsync.ops;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class EscapedMessageConverterTest {

    @Test
    void escapesLineBreaksAndOtherControlCharacters() {
        assertEquals("user_1\\nwebhook svix_id=forged", EscapedMessageConverter.escape("user_1\nwebhook svix_id=forged"));
        assertEquals("a\\r\\tb\\u001b[31m\\u0000\\u2028", EscapedMessageConverter.escape("a\r\tb\u001b[31m\u0000\u2028"));
    }

    @Test
    void leavesPlainTextAloneWithoutCopyingIt() {
        String text = "webhook svix_id=msg_1 type=user.created user_id=user_Zoë outcome=delivered";
        assertSame(text, EscapedMessageConverter.escape(text));
    }
}
