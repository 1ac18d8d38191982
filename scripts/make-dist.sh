#!/usr/bin/env bash
# make-dist.sh — builds a self-contained Linux x86-64 distribution in dist/:
#   dist/runtime/    jlinked Java 25 (java.base, java.desktop (ImageIO, java.beans for Jackson),
#                    java.sql (Jackson's optional java.sql types), jdk.unsupported,
#                    jdk.incubator.vector (CPU backend); jdeps confirms the jars need no more)
#   dist/app/        the mcdrop jar + app/lib/ (its Class-Path), where the JCuda natives jar is
#                    repacked without the ~24 MB PTX-compiler and NVRTC libraries (we ship PTX
#                    and use only the driver API)
#   dist/models/, dist/test-data/   copied when present
#   dist/mcdrop      launcher: runtime/bin/java ... -jar app/<jar> "$@" (main class dev.mcdrop.cli.Main), through
#                    app/run-java.sh (scripts/run-java.sh: stderr without the incubator-module warning)
# and packs it as dist/mcdrop-<version>-linux-x86_64.tar.gz (top folder mcdrop-<version>/).
# Usage: scripts/make-dist.sh [--skip-build]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"

version="$(sed -n '0,/<artifactId>mcdrop<\/artifactId>/d; s/.*<version>\(.*\)<\/version>.*/\1/p' pom.xml | head -n1)"
[[ -n "$version" ]] || { echo "make-dist: cannot read the version from pom.xml" >&2; exit 1; }

if [[ "${1:-}" != "--skip-build" ]]; then
    rm -rf target/lib   # copy-dependencies only adds: drop jars of dependencies since removed
    ./mvnw -q -B -DskipTests package
fi
jar="$(ls target/*.jar | grep -v -E -- '-(sources|javadoc|tests)\.jar$' | head -n1)"
[[ -f "$jar" && -d target/lib ]] || { echo "make-dist: no jar or target/lib; run ./mvnw package" >&2; exit 1; }

dist="$root/dist"
rm -rf "$dist"
mkdir -p "$dist/app/lib"

# zip-0: the tarball's gzip compresses uncompressed modules better than jlink's per-entry zip
# (measured: runtime 32.4 MB gzipped with zip-0 vs 39.2 MB with zip-9), at the cost of a larger
# unpacked runtime (94 MB vs 63 MB). JLINK_COMPRESS=zip-6 for a smaller unpacked install.
# mcdrop is headless (charts render off-screen): the X11, splash-screen and sound libraries of
# java.desktop are left out.
echo "jlink runtime ..."
jlink --add-modules java.base,java.desktop,java.sql,jdk.unsupported,jdk.incubator.vector \
      --strip-debug --no-header-files --no-man-pages --compress="${JLINK_COMPRESS:-zip-0}" \
      --exclude-files='**/libawt_xawt.so,**/libsplashscreen.so,**/libjsound.so' --output "$dist/runtime"
# The JDK's native libraries keep their symbol tables; stripping them changes no behaviour.
if command -v strip >/dev/null; then
    find "$dist/runtime" -name '*.so' -exec strip --strip-unneeded {} +
fi

cp "$jar" "$dist/app/"
for lib in target/lib/*.jar; do
    name="$(basename "$lib")"
    if [[ "$name" == jcuda-natives-*.jar ]]; then
        tmp="$(mktemp -d)"
        (cd "$tmp" && "$JAVA_HOME/bin/jar" xf "$root/$lib" \
            && rm -f lib/libJNvPTXCompiler-* lib/libJNvrtc-* \
            && "$JAVA_HOME/bin/jar" --create --file "$dist/app/lib/$name" --manifest META-INF/MANIFEST.MF -C "$tmp" lib -C "$tmp" META-INF/maven)
        rm -rf "$tmp"
    else
        cp "$lib" "$dist/app/lib/"
    fi
done

for d in models test-data; do
    if [[ -d "$d" ]]; then cp -r "$d" "$dist/"; fi
done

cp scripts/run-java.sh "$dist/app/run-java.sh"
cat > "$dist/mcdrop" <<LAUNCHER
#!/usr/bin/env bash
# mcdrop $version launcher (self-contained: bundled Java runtime, CUDA via the system driver).
# app/run-java.sh keeps the JVM's incubator-module warning off stderr (see there).
here="\$(cd "\$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
source "\$here/app/run-java.sh"
run_java "\$here/runtime/bin/java" \${JAVA_OPTS:--Xmx8g} --add-modules jdk.incubator.vector \\
  --enable-native-access=ALL-UNNAMED -Dmcdrop.home="\$here" -jar "\$here/app/$(basename "$jar")" "\$@"
LAUNCHER
chmod +x "$dist/mcdrop"

tarball="mcdrop-$version-linux-x86_64.tar.gz"
# Written beside dist/ and moved in, so tar never reads the archive it is writing.
tar czf "$dist/../$tarball" -C "$dist" --transform "s,^\./,mcdrop-$version/," .
mv "$dist/../$tarball" "$dist/$tarball"

# dist/gpu-test.tar.gz, apart from the release: the JUnit console launcher and CudaBackendTest, so
# scripts/gpu/device-check.sh can check every CUDA op on a GPU host that has no JDK (it runs them
# with dist/runtime), and the dev/cuda workbench binaries. Skipped, with a note, where the launcher jar is not in the local Maven repo.
console="$(ls "${MAVEN_REPO:-$HOME/.m2/repository}"/org/junit/platform/junit-platform-console-standalone/*/junit-platform-console-standalone-*.jar 2>/dev/null | sort -V | tail -n1 || true)"
if [[ -n "$console" ]] && ls target/test-classes/dev/mcdrop/cuda/CudaBackendTest*.class >/dev/null 2>&1; then
    tmp="$(mktemp -d)"
    mkdir -p "$tmp/gpu-test/classes/dev/mcdrop/cuda"
    cp "$console" "$tmp/gpu-test/junit-console.jar"
    cp target/test-classes/dev/mcdrop/cuda/CudaBackendTest*.class "$tmp/gpu-test/classes/dev/mcdrop/cuda/"
    # the dev/cuda kernel workbenches, where nvcc can build them (device-check.sh runs them)
    if dev/cuda/build.sh >/dev/null 2>&1; then
        mkdir -p "$tmp/gpu-test/bench" && cp dev/cuda/build/* "$tmp/gpu-test/bench/"
    else
        echo "make-dist: dev/cuda workbenches not built (no nvcc?): gpu-test.tar.gz has none" >&2
    fi
    tar czf "$dist/gpu-test.tar.gz" -C "$tmp" gpu-test
    rm -rf "$tmp"
else
    echo "make-dist: no junit-platform-console-standalone jar or CudaBackendTest classes: dist/gpu-test.tar.gz not made" >&2
fi
echo "dist/: $(du -sh "$dist" --exclude "$tarball" | cut -f1) unpacked; dist/$tarball: $(du -h "$dist/$tarball" | cut -f1)"
