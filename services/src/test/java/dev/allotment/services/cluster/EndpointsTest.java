package dev.allotment.services.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class EndpointsTest {
    private static final HostInfo INSTANCE = new HostInfo("engine-1.shop.internal", 8080);

    @Test
    void aSkuClientsEndpointIsItsInstancesHostWithTheSamePort() {
        HostInfo sku = HostInfo.buildFromEndpoint(Endpoints.skuClient("engine-1.shop.internal:8080"));

        assertEquals(new HostInfo("skus%engine-1.shop.internal", 8080), sku);
        assertEquals(INSTANCE, Endpoints.instanceOf(sku));
        assertTrue(Endpoints.sameInstance(sku, INSTANCE));
        assertTrue(Endpoints.sameInstance(INSTANCE, INSTANCE));
        assertEquals(INSTANCE, Endpoints.instanceOf(INSTANCE), "an instance's own endpoint is itself");
        assertEquals(new HostInfo("127.0.0.1", 9000), Endpoints.instanceOf(HostInfo.buildFromEndpoint("skus%127.0.0.1:9000")));
    }

    @Test
    void aHostWhoseNameBeginsLikeThePrefixIsItself() {
        HostInfo named = new HostInfo("skus.shop.internal", 8080);

        assertEquals(named, Endpoints.instanceOf(named));
        assertTrue(Endpoints.sameInstance(named, named));
        assertFalse(Endpoints.sameInstance(named, new HostInfo("shop.internal", 8080)));
    }

    @Test
    void anotherInstancesClientsAreNotThisOnes() {
        assertFalse(Endpoints.sameInstance(new HostInfo("skus%engine-1.shop.internal", 8081), INSTANCE), "another port");
        assertFalse(Endpoints.sameInstance(new HostInfo("skus%engine-2.shop.internal", 8080), INSTANCE), "another host");
        assertFalse(Endpoints.sameInstance(new HostInfo("engine-2.shop.internal", 8080), INSTANCE));
        assertFalse(Endpoints.sameInstance(new HostInfo("xskus%engine-1.shop.internal", 8080), INSTANCE));
        assertFalse(Endpoints.sameInstance(new HostInfo("skus%1.shop.internal", 8080), new HostInfo("1.shop.internal", 8081)));
        assertFalse(Endpoints.sameInstance(new HostInfo("skus%xengine-1.shop.internal", 8080), INSTANCE));
    }
}
