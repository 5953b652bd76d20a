package io.gatehouse.semanager.compile;

import static io.gatehouse.semanager.compile.CompileFixtures.INNER;
import static io.gatehouse.semanager.compile.CompileFixtures.app;
import static io.gatehouse.semanager.compile.CompileFixtures.appPool;
import static io.gatehouse.semanager.compile.CompileFixtures.eastWest;
import static io.gatehouse.semanager.compile.CompileFixtures.onlyFrontends;
import static io.gatehouse.semanager.compile.CompileFixtures.policy;
import static io.gatehouse.semanager.compile.CompileFixtures.staticPool;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.api.discovery.v1.App;
import io.gatehouse.api.policy.v1.NetworkSecurityPolicy;
import io.gatehouse.api.semanager.v1.ResourceType;
import io.gatehouse.semanager.push.ResourceSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A compilation made again after only the apps changed ({@link AppRecompilation}) is what a fresh
 * compiler makes, and what it did not compile again is the very object of the compilation before.
 */
class AppRecompilationTest {
  @Test
  void whenOnlyAppsChangeOnlyWhatDependsOnThemIsCompiledAgainAndTheResultIsAFreshCompilers() {
    NetworkSecurityPolicy onlyFrontends = onlyFrontends();
    PolicyView policy =
        policy(
            List.of(
                eastWest("db", 15432, "db").toBuilder()
                    .setNetworkSecurityPolicyRef("only-frontends")
                    .build(),
                eastWest("web", 10080, "web"),
                eastWest("static", 10081, "static")),
            List.of(appPool("db", "/db"), appPool("web", "/web"), staticPool("static")),
            List.of(onlyFrontends));
    java.util.Random random = new java.util.Random(7);
    Map<String, App> apps = new java.util.HashMap<>();
    for (String id : List.of("/db", "/web", "/frontend")) {
      apps.put(id, app(id, "10.1.0.1"));
    }
    ConfigCompiler following = new ConfigCompiler();
    AppView view = AppView.of(apps.values());
    ResourceSet before = following.compile(policy, view, INNER);
    for (int change = 0; change < 40; change++) {
      // one app changes its tasks; the others stay the same objects, as the app follower keeps them
      String id = List.of("/db", "/web", "/frontend").get(random.nextInt(3));
      String[] addresses = new String[random.nextInt(4)];
      for (int i = 0; i < addresses.length; i++) {
        addresses[i] = "10.1." + change + "." + i;
      }
      apps.put(id, app(id, addresses));
      // the follower's views name what changed since the last one; others name nothing
      view =
          change % 2 == 0
              ? view.next(apps.values(), java.util.Set.of(AppView.key("", id)))
              : AppView.of(apps.values());
      following.nextChange();
      ResourceSet after = following.compile(policy, view, INNER);
      // what changed, as the push finds it, is what a full comparison finds
      ResourceSet.Changes changes = after.changesSince(before);
      ResourceSet.Changes compared = copyOf(after).changesSince(before);
      for (ResourceType type : ResourceSet.APPLY_ORDER) {
        assertThat(changes.upserted(type))
            .as("change %d, %s", change, type)
            .containsExactlyInAnyOrderElementsOf(compared.upserted(type));
        assertThat(changes.removed(type))
            .containsExactlyInAnyOrderElementsOf(compared.removed(type));
      }

      ResourceSet fresh = new ConfigCompiler().compile(policy, view, INNER);
      for (ResourceType type : ResourceSet.APPLY_ORDER) {
        assertThat(after.ofType(type))
            .as("change %d, %s", change, type)
            .isEqualTo(fresh.ofType(type));
      }
      // what does not depend on the changed app is the very object compiled before
      assertThat(after.ofType(ResourceType.RESOURCE_TYPE_POOL).get("static"))
          .isSameAs(before.ofType(ResourceType.RESOURCE_TYPE_POOL).get("static"));
      assertThat(after.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE).get("web"))
          .isSameAs(before.ofType(ResourceType.RESOURCE_TYPE_VIRTUAL_SERVICE).get("web"));
      if (!id.equals("/web")) {
        assertThat(after.ofType(ResourceType.RESOURCE_TYPE_POOL).get("web"))
            .isSameAs(before.ofType(ResourceType.RESOURCE_TYPE_POOL).get("web"));
      }
      before = after;
    }
  }

  /** The same resources in a set that knows nothing of where it comes from. */
  private static ResourceSet copyOf(ResourceSet set) {
    Map<ResourceType, List<io.gatehouse.api.semanager.v1.Resource>> byType =
        new java.util.EnumMap<>(ResourceType.class);
    for (ResourceType type : ResourceSet.APPLY_ORDER) {
      byType.put(type, List.copyOf(set.ofType(type).values()));
    }
    return ResourceSet.of(byType);
  }
}
