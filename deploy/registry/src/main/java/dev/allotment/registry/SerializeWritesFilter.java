package dev.allotment.registry;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.annotation.WebFilter;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Lets non-GET requests to /apis/* through one at a time; GET/HEAD/OPTIONS stay parallel.
 *
 * Apicurio Registry 2.4.2's SQL storage on H2 hands out ids racily: concurrent registrations fail
 * with HTTP 500 (duplicate key / lock timeout). Serializing the writes removes the race.
 * A fair semaphore keeps the order of arrival. A writer that cannot get the permit within
 * {@code allotment.registry.write-wait-seconds} (system property, default 60) gets 503.
 * {@code -Dallotment.registry.serialize-writes=false} turns it off.
 */
@WebFilter(filterName = "AllotmentSerializeWritesFilter", urlPatterns = "/apis/*", asyncSupported = true)
public class SerializeWritesFilter implements Filter {

    private static final Semaphore WRITE_PERMIT = new Semaphore(1, true);
    private static final long WAIT_SECONDS = Long.getLong("allotment.registry.write-wait-seconds", 60L);
    /** -Dallotment.registry.serialize-writes=false turns the filter off (only to show the race). */
    private static final boolean ENABLED =
            !"false".equalsIgnoreCase(System.getProperty("allotment.registry.serialize-writes"));

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        if (!ENABLED || !(req instanceof HttpServletRequest) || isRead(((HttpServletRequest) req).getMethod())) {
            chain.doFilter(req, resp);
            return;
        }
        boolean acquired;
        try {
            acquired = WRITE_PERMIT.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            HttpServletResponse http = (HttpServletResponse) resp;
            http.setHeader("Retry-After", "1");
            http.sendError(503, "registry write queue busy");
            return;
        }
        boolean releaseHere = true;
        try {
            chain.doFilter(req, resp);
            if (req.isAsyncStarted()) {
                // the write finishes later: release when the async request completes
                releaseHere = false;
                req.getAsyncContext().addListener(new ReleaseOnEnd());
            }
        } finally {
            if (releaseHere) {
                WRITE_PERMIT.release();
            }
        }
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    private static final class ReleaseOnEnd implements AsyncListener {
        private boolean released;

        private synchronized void release() {
            if (!released) {
                released = true;
                WRITE_PERMIT.release();
            }
        }

        @Override public void onComplete(AsyncEvent event) { release(); }
        @Override public void onTimeout(AsyncEvent event) { release(); }
        @Override public void onError(AsyncEvent event) { release(); }
        @Override public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
