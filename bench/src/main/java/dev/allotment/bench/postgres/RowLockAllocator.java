package dev.allotment.bench.postgres;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Allocation as most shops do it: one transaction locks the stock rows it needs ({@code SELECT … FOR UPDATE}), checks
 * what is available, raises the allocated quantity and records the allocation. One client, one connection.
 * Deadlocks and serialization failures are retried (and counted); with rows locked in (sku, location) order they
 * should not occur.
 */
final class RowLockAllocator implements AutoCloseable {
    static final List<String> LOCATIONS = List.of("L1", "L2", "L3", "L4");

    /** A line of an order. */
    record Line(String lineId, String sku, int quantity) {}

    private final Connection connection;
    private final PreparedStatement lockOne;
    private final PreparedStatement lockMany;
    private final PreparedStatement raise;
    private final PreparedStatement record;
    private long retries;

    RowLockAllocator(String jdbcUrl, boolean durable) throws SQLException {
        connection = DriverManager.getConnection(jdbcUrl);
        try (var s = connection.createStatement()) {
            s.execute("SET synchronous_commit = " + (durable ? "on" : "off"));
        }
        connection.setAutoCommit(false);
        lockOne = connection.prepareStatement("SELECT physical, allocated FROM stock WHERE sku = ? AND location = ? FOR UPDATE");
        lockMany = connection.prepareStatement(
            "SELECT sku, location, physical, allocated FROM stock WHERE sku = ANY(?) ORDER BY sku, location FOR UPDATE");
        raise = connection.prepareStatement("UPDATE stock SET allocated = allocated + ? WHERE sku = ? AND location = ?");
        record = connection.prepareStatement(
            "INSERT INTO allocations (order_id, line_id, sku, location, quantity, created_at) VALUES (?, ?, ?, ?, ?, now())");
    }

    /** One line at one location: true when allocated, false when refused for want of stock. */
    boolean allocateOne(String orderId, Line line, String location) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try {
                lockOne.setString(1, line.sku());
                lockOne.setString(2, location);
                boolean enough;
                try (ResultSet rs = lockOne.executeQuery()) {
                    enough = rs.next() && rs.getInt(1) - rs.getInt(2) >= line.quantity();
                }
                if (!enough) {
                    connection.rollback();
                    return false;
                }
                raise(line.sku(), location, line.quantity());
                raise.executeUpdate();
                insert(orderId, line, location);
                record.executeUpdate();
                connection.commit();
                return true;
            } catch (SQLException e) {
                retryOrThrow(e, attempt);
            }
        }
    }

    /**
     * A whole order in one transaction: every stock row of its SKUs locked in (sku, location) order, each line at the
     * first location (L1…L4) with enough available. Returns the number of lines allocated; the rest are refused.
     */
    int allocateOrder(String orderId, List<Line> lines) throws SQLException {
        for (int attempt = 0; ; attempt++) {
            try {
                Map<String, int[]> available = lockRows(lines);
                int allocated = 0;
                for (Line line : lines) {
                    for (String location : LOCATIONS) {
                        int[] row = available.get(line.sku() + '/' + location);
                        if (row != null && row[0] >= line.quantity()) {
                            row[0] -= line.quantity();
                            raise(line.sku(), location, line.quantity());
                            raise.addBatch();
                            insert(orderId, line, location);
                            record.addBatch();
                            allocated++;
                            break;
                        }
                    }
                }
                if (allocated > 0) {
                    raise.executeBatch();
                    record.executeBatch();
                }
                connection.commit();
                return allocated;
            } catch (SQLException e) {
                raise.clearBatch();
                record.clearBatch();
                retryOrThrow(e, attempt);
            }
        }
    }

    private Map<String, int[]> lockRows(List<Line> lines) throws SQLException {
        TreeSet<String> skus = new TreeSet<>();
        lines.forEach(l -> skus.add(l.sku()));
        Array array = connection.createArrayOf("text", skus.toArray());
        lockMany.setArray(1, array);
        Map<String, int[]> available = new HashMap<>();
        try (ResultSet rs = lockMany.executeQuery()) {
            while (rs.next()) {
                available.put(rs.getString(1) + '/' + rs.getString(2), new int[] {rs.getInt(3) - rs.getInt(4)});
            }
        }
        return available;
    }

    private void raise(String sku, String location, int quantity) throws SQLException {
        raise.setInt(1, quantity);
        raise.setString(2, sku);
        raise.setString(3, location);
    }

    private void insert(String orderId, Line line, String location) throws SQLException {
        record.setString(1, orderId);
        record.setString(2, line.lineId());
        record.setString(3, line.sku());
        record.setString(4, location);
        record.setInt(5, line.quantity());
    }

    private void retryOrThrow(SQLException e, int attempt) throws SQLException {
        connection.rollback();
        boolean transientFailure = "40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState());
        if (!transientFailure || attempt >= 5) {
            throw e;
        }
        retries++;
    }

    long retries() {
        return retries;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
