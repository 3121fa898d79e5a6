import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Build step: rewrites the classes of a jar compiled for Java 5 or older as Java 8 class
 * files, with stack map frames, in place.
 *
 * <p>Why: the JVM's class data sharing leaves out class files older than Java 6 and those that
 * need the old verifier, so such a library is read, parsed and verified again on every start.
 * picocli is compiled for Java 5; as Java 8 classes it joins agentctl's class data archive, and
 * agentctl's start-up no longer reads and verifies it each time (docs/benchmarks.md, "agentctl start-up").
 * The bytecode is unchanged; only the version and the frames the verifier checks are new.
 *
 * <p>Every rewritten class is then loaded, linked and initialised from the new jar, so a frame
 * the JVM's verifier rejects fails the build instead of a later command.
 *
 * <p>Run as a single-file program: {@code java -cp asm.jar:the.jar RetargetClasses the.jar}.
 */
public final class RetargetClasses {

  private static final int TARGET = Opcodes.V1_8;

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: RetargetClasses JAR (rewritten in place)");
    }
    Path jar = Path.of(args[0]);
    Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
    List<String> rewritten = new ArrayList<>();
    try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
      Manifest manifest = in.getManifest();
      try (OutputStream file = Files.newOutputStream(tmp);
           JarOutputStream out = manifest == null ? new JarOutputStream(file) : new JarOutputStream(file, manifest)) {
        for (JarEntry entry; (entry = in.getNextJarEntry()) != null; ) {
          byte[] bytes = in.readAllBytes();
          String name = entry.getName();
          if (name.endsWith(".class") && !name.endsWith("module-info.class") && version(bytes) < TARGET) {
            bytes = retarget(bytes);
            rewritten.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
          }
          JarEntry copy = new JarEntry(name);
          copy.setTime(entry.getTime());
          out.putNextEntry(copy);
          out.write(bytes);
          out.closeEntry();
        }
      }
    }
    verify(tmp, rewritten);
    // Keep the jar's time: the copy step then sees nothing newer to copy over it on the next build,
    // and a class data archive made from it stays valid (the JVM checks each jar's time and size).
    java.nio.file.attribute.FileTime time = Files.getLastModifiedTime(jar);
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(jar, time);
    System.out.println("RetargetClasses: " + rewritten.size() + " classes of " + jar.getFileName()
        + " now Java 8 class files");
  }

  private static int version(byte[] classFile) {
    return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
  }

  private static byte[] retarget(byte[] classFile) {
    ClassReader reader = new ClassReader(classFile);
    // Frames need the common superclass of two types; the jar being rewritten is on this
    // program's class path, so ClassWriter's default lookup finds its classes.
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
    reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
      @Override
      public void visit(int version, int access, String name, String signature, String superName,
                        String[] interfaces) {
        super.visit(TARGET, access, name, signature, superName, interfaces);
      }
    }, ClassReader.SKIP_FRAMES);
    return writer.toByteArray();
  }

  /** Loads and initialises every rewritten class from {@code jar} alone: the JVM verifies each. */
  private static void verify(Path jar, List<String> classes) throws IOException {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      for (String name : classes) {
        try {
          Class.forName(name, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          throw new IllegalStateException("rewritten class " + name + " does not load: " + e, e);
        }
      }
    }
  }
}
