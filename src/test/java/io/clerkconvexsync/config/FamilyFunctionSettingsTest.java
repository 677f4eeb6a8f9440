package io.clerkconvexsync.config;

import io.clerkconvexsync.support.ShippedProperties;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FamilyFunctionSettingsTest {

    @Test
    void shipsThePackagesFunctionPaths() {
        FamilyFunctionSettings s = FamilyFunctionSettings.load(ShippedProperties.lookup(Map.of()));
        assertEquals(new FamilyFunctionSettings("roles:upsertFromClerk", "roles:deleteFromClerk",
                "roles:removePermissionFromClerk", "subscriptions:upsertFromClerk", "subscriptionItems:upsertFromClerk",
                "invitations:upsertFromClerk"), s);
    }

    @Test
    void takesAnOtherPathAndRefusesAnEmptyOneNamingItsVariable() {
        FamilyFunctionSettings s = FamilyFunctionSettings.load(ShippedProperties.lookup(
                Map.of("convex.subscription-item-upsert-function", "billing/items:upsert")));
        assertEquals("billing/items:upsert", s.subscriptionItemUpsertFunction());
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> FamilyFunctionSettings.load(
                ShippedProperties.lookup(Map.of("convex.permission-delete-function", " "))));
        assertEquals("CONVEX_PERMISSION_DELETE_FUNCTION", e.setting());
    }
}
