"""What rules print during a scan is kept per invocation, across threads, and stdout is left as it was."""
import sys
import threading

from clearsight.capture import captured_stdout


def test_each_thread_keeps_what_it_printed_and_stdout_is_restored(capsys):
    before = sys.stdout
    kept, go = {}, threading.Barrier(8)

    def invocation(n):
        with captured_stdout() as printed:
            go.wait()  # all eight capture at once
            for i in range(100):
                print(f"{n}:{i}")
        kept[n] = printed.getvalue()

    threads = [threading.Thread(target=invocation, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("the report")
    assert kept == {n: "".join(f"{n}:{i}\n" for i in range(100)) for n in range(8)}
    assert sys.stdout is before
    assert capsys.readouterr().out == "the report\n"
