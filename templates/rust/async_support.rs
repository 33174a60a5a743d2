// The `async_support` module of a generated Rust file's `_rt`: what the
// asynchronous canonical ABI needs at run time, with no crate dependency.
//
// - A single-threaded executor. An async export's core function starts a
//   task (`start_task`) and its callback (`callback`) delivers each event;
//   both return the callback code. A task's waits join one waitable set;
//   events wake the future waiting for that waitable. `block_on` runs a
//   future from synchronous code with `waitable-set.wait`; `spawn` adds a
//   future to the current task.
// - `await_subtask`: the wait of an async import's call, which cancels the
//   subtask when dropped before it returned.
// - `FutureReader`/`FutureWriter` and `StreamReader`/`StreamWriter` over a
//   per-payload vtable of built-ins and lowering (`wit_future`, `wit_stream`
//   in the generated file), and `ErrorContext`.
//
// The generator emits the section `async_support` below as the body of
// `pub mod async_support { … }` inside `mod _rt` (rt.rs names this file), so
// every line is indented two levels deeper there; the code is kept as rustfmt
// formats it at that depth, not at the top level of this file. For edition
// 2024, `extern "C" {` becomes `unsafe extern "C" {`.
//
// The file is a module of rt.rs and also a crate of its own, compiled by
// test/rust-templates.test.ts; the attribute below is the one of `mod _rt`
// that this module relies on.
#![allow(unsafe_op_in_unsafe_fn)]

// @section async_support
//! The asynchronous canonical ABI: a single-threaded executor run by the
//! callbacks of async exports (or by `block_on`), the subtasks of async
//! imports, futures, streams and error contexts.
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::marker::PhantomData;
use core::mem;
use core::pin::Pin;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
use core::task::{Context, Poll, Waker};
extern crate alloc as alloc_crate;
use alloc_crate::alloc::{self, Layout};
use alloc_crate::boxed::Box;
use alloc_crate::collections::BTreeMap;
use alloc_crate::string::String;
use alloc_crate::sync::Arc;
use alloc_crate::task::Wake;
use alloc_crate::vec::Vec;

const SUBTASK_RETURNED: u32 = 2;
const EVENT_NONE: u32 = 0;
const EVENT_TASK_CANCELLED: u32 = 6;
const CALLBACK_EXIT: i32 = 0;
const CALLBACK_YIELD: i32 = 1;
const CALLBACK_WAIT: i32 = 2;
const COPY_COMPLETED: u32 = 0;
const COPY_DROPPED: u32 = 1;
const COPY_CANCELLED: u32 = 2;
const BLOCKED: u32 = 0xffff_ffff;

mod builtins {
    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "$root")]
    extern "C" {
        #[link_name = "[waitable-set-new]"]
        pub fn waitable_set_new() -> u32;
        #[link_name = "[waitable-set-wait]"]
        pub fn waitable_set_wait(set: u32, event: *mut u32) -> u32;
        #[link_name = "[waitable-set-drop]"]
        pub fn waitable_set_drop(set: u32);
        #[link_name = "[waitable-join]"]
        pub fn waitable_join(waitable: u32, set: u32);
        #[link_name = "[subtask-cancel]"]
        pub fn subtask_cancel(subtask: u32) -> u32;
        #[link_name = "[subtask-drop]"]
        pub fn subtask_drop(subtask: u32);
        #[link_name = "[context-get-0]"]
        pub fn context_get() -> u32;
        #[link_name = "[context-set-0]"]
        pub fn context_set(value: u32);
        #[link_name = "[thread-yield]"]
        pub fn thread_yield() -> u32;
        #[link_name = "[backpressure-inc]"]
        pub fn backpressure_inc();
        #[link_name = "[backpressure-dec]"]
        pub fn backpressure_dec();
        #[link_name = "[error-context-new-utf8]"]
        pub fn error_context_new(ptr: *const u8, len: usize) -> u32;
        #[link_name = "[error-context-debug-message-utf8]"]
        pub fn error_context_debug_message(error_context: u32, ret: *mut u8);
        #[link_name = "[error-context-drop]"]
        pub fn error_context_drop(error_context: u32);
    }

    #[cfg(target_arch = "wasm32")]
    #[link(wasm_import_module = "[export]$root")]
    extern "C" {
        #[link_name = "[task-cancel]"]
        pub fn task_cancel();
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod host {
        pub unsafe fn waitable_set_new() -> u32 {
            unreachable!()
        }
        pub unsafe fn waitable_set_wait(_: u32, _: *mut u32) -> u32 {
            unreachable!()
        }
        pub unsafe fn waitable_set_drop(_: u32) {
            unreachable!()
        }
        pub unsafe fn waitable_join(_: u32, _: u32) {
            unreachable!()
        }
        pub unsafe fn subtask_cancel(_: u32) -> u32 {
            unreachable!()
        }
        pub unsafe fn subtask_drop(_: u32) {
            unreachable!()
        }
        pub unsafe fn context_get() -> u32 {
            unreachable!()
        }
        pub unsafe fn context_set(_: u32) {
            unreachable!()
        }
        pub unsafe fn task_cancel() {
            unreachable!()
        }
        pub unsafe fn thread_yield() -> u32 {
            unreachable!()
        }
        pub unsafe fn backpressure_inc() {
            unreachable!()
        }
        pub unsafe fn backpressure_dec() {
            unreachable!()
        }
        pub unsafe fn error_context_new(_: *const u8, _: usize) -> u32 {
            unreachable!()
        }
        pub unsafe fn error_context_debug_message(_: u32, _: *mut u8) {
            unreachable!()
        }
        pub unsafe fn error_context_drop(_: u32) {
            unreachable!()
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    pub use self::host::*;
}

struct WakeFlag(AtomicBool);

impl Wake for WakeFlag {
    fn wake(self: Arc<Self>) {
        self.0.store(true, Ordering::Relaxed);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// A boxed future: what an async export's trait method returns with `--boxed-async-exports`.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// One task (a call of an async export, or a `block_on`): the futures it
/// runs, the waitable set its waits join, and the events delivered to them.
struct Task {
    main: Cell<Option<BoxFuture<()>>>,
    spawned: RefCell<Vec<BoxFuture<()>>>,
    set: Cell<u32>,
    events: RefCell<BTreeMap<u32, u32>>,
    wakers: RefCell<BTreeMap<u32, Waker>>,
    woken: Arc<WakeFlag>,
    cancelled: Cell<bool>,
}

/// The task being polled. Wasm runs one thread per instance, so a plain
/// static (not `thread_local!`, which `no_std` lacks) holds it.
static CURRENT: AtomicPtr<Task> = AtomicPtr::new(ptr::null_mut());

fn current() -> *const Task {
    CURRENT.load(Ordering::Relaxed)
}

fn with_task<R>(f: impl FnOnce(&Task) -> R) -> R {
    let task = current();
    assert!(
        !task.is_null(),
        "async work polled outside a task: run it in an async export or with `block_on`"
    );
    f(unsafe { &*task })
}

impl Task {
    fn new(main: Option<BoxFuture<()>>) -> Task {
        Task {
            main: Cell::new(main),
            spawned: RefCell::new(Vec::new()),
            set: Cell::new(0),
            events: RefCell::new(BTreeMap::new()),
            wakers: RefCell::new(BTreeMap::new()),
            woken: Arc::new(WakeFlag(AtomicBool::new(false))),
            cancelled: Cell::new(false),
        }
    }

    fn set(&self) -> u32 {
        if self.set.get() == 0 {
            self.set.set(unsafe { builtins::waitable_set_new() });
        }
        self.set.get()
    }

    /// Wakes `waker` when the next event of `waitable` arrives.
    fn wait_for(&self, waitable: u32, waker: &Waker) {
        let mut wakers = self.wakers.borrow_mut();
        if wakers.insert(waitable, waker.clone()).is_none() {
            let set = self.set();
            unsafe { builtins::waitable_join(waitable, set) };
        }
    }

    /// Stops waiting for `waitable`; returns the event payload it had already received.
    fn stop_waiting(&self, waitable: u32) -> Option<u32> {
        if self.wakers.borrow_mut().remove(&waitable).is_some() {
            unsafe { builtins::waitable_join(waitable, 0) };
        }
        self.events.borrow_mut().remove(&waitable)
    }

    fn deliver(&self, event: u32, waitable: u32, payload: u32) {
        match event {
            EVENT_NONE => {}
            EVENT_TASK_CANCELLED => self.cancelled.set(true),
            _ => {
                let waker = self.wakers.borrow_mut().remove(&waitable);
                unsafe { builtins::waitable_join(waitable, 0) };
                self.events.borrow_mut().insert(waitable, payload);
                if let Some(waker) = waker {
                    waker.wake();
                }
            }
        }
    }

    fn enter(&self) -> *const Task {
        CURRENT.swap(self as *const Task as *mut Task, Ordering::Relaxed)
    }

    fn leave(previous: *const Task) {
        CURRENT.store(previous as *mut Task, Ordering::Relaxed);
    }

    /// Polls the spawned futures once; true when none is left.
    fn poll_spawned(&self, cx: &mut Context<'_>) -> bool {
        let mut spawned = mem::take(&mut *self.spawned.borrow_mut());
        spawned.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        let mut added = self.spawned.borrow_mut();
        if !added.is_empty() {
            self.woken.0.store(true, Ordering::Relaxed);
        }
        spawned.append(&mut added);
        *added = spawned;
        added.is_empty()
    }

    /// Polls every future once; true when all have finished.
    fn poll(&self) -> bool {
        self.woken.0.store(false, Ordering::Relaxed);
        let waker = Waker::from(self.woken.clone());
        let mut cx = Context::from_waker(&waker);
        let previous = self.enter();
        if let Some(mut main) = self.main.take() {
            if main.as_mut().poll(&mut cx).is_pending() {
                self.main.set(Some(main));
            }
        }
        let spawned_done = self.poll_spawned(&mut cx);
        Task::leave(previous);
        let main_done = match self.main.take() {
            Some(main) => {
                self.main.set(Some(main));
                false
            }
            None => true,
        };
        main_done && spawned_done
    }

    /// Drops the futures (which may cancel what they wait for); whether the main one had not finished.
    fn drop_futures(&self) -> bool {
        let previous = self.enter();
        let main = self.main.take();
        let unfinished = main.is_some();
        drop(main);
        drop(mem::take(&mut *self.spawned.borrow_mut()));
        Task::leave(previous);
        unfinished
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        self.drop_futures();
        if self.set.get() != 0 {
            unsafe { builtins::waitable_set_drop(self.set.get()) };
        }
    }
}

/// Runs an async export: its core function lifts the arguments and
/// starts the future that computes the result and hands it to `task.return`.
pub unsafe fn start_task(future: impl Future<Output = ()> + 'static) -> i32 {
    let task = Box::into_raw(Box::new(Task::new(Some(Box::pin(future)))));
    builtins::context_set(task as usize as u32);
    step(task)
}

/// The callback of every async export: delivers an event and runs the task on.
pub unsafe fn callback(event: u32, waitable: u32, payload: u32) -> i32 {
    let task = builtins::context_get() as usize as *mut Task;
    (*task).deliver(event, waitable, payload);
    step(task)
}

unsafe fn step(task: *mut Task) -> i32 {
    let t = &*task;
    let done = if t.cancelled.get() {
        if t.drop_futures() {
            builtins::task_cancel();
        }
        true
    } else {
        t.poll()
    };
    if done {
        builtins::context_set(0);
        drop(Box::from_raw(task));
        CALLBACK_EXIT
    } else if t.woken.0.load(Ordering::Relaxed) {
        CALLBACK_YIELD
    } else {
        CALLBACK_WAIT | (t.set() << 4) as i32
    }
}

/// Runs `future` to completion from synchronous code, waiting on the
/// component's waitable set whenever it cannot make progress.
pub fn block_on<T>(future: impl Future<Output = T>) -> T {
    let mut future = Box::pin(future);
    let task = Task::new(None);
    let waker = Waker::from(task.woken.clone());
    let mut cx = Context::from_waker(&waker);
    loop {
        task.woken.0.store(false, Ordering::Relaxed);
        let previous = task.enter();
        let poll = future.as_mut().poll(&mut cx);
        if poll.is_pending() {
            task.poll_spawned(&mut cx);
        }
        Task::leave(previous);
        if let Poll::Ready(value) = poll {
            return value;
        }
        if task.woken.0.load(Ordering::Relaxed) {
            continue;
        }
        assert!(
            task.set.get() != 0,
            "block_on: the future waits for nothing"
        );
        let mut event = [0u32; 2];
        let code =
            unsafe { builtins::waitable_set_wait(task.set.get(), event.as_mut_ptr()) };
        task.deliver(code, event[0], event[1]);
    }
}

/// Runs `future` alongside the current task, which ends when it and every spawned future have finished.
pub fn spawn(future: impl Future<Output = ()> + 'static) {
    with_task(|t| {
        t.spawned.borrow_mut().push(Box::pin(future));
        t.woken.0.store(true, Ordering::Relaxed);
    });
}

/// `spawn`, by the name wit-bindgen gives it.
pub fn spawn_local(future: impl Future<Output = ()> + 'static) {
    spawn(future)
}

/// Lets other tasks run before this one goes on, blocking this one
/// (`thread.yield`); true when this task was cancelled meanwhile.
pub fn yield_blocking() -> bool {
    unsafe { builtins::thread_yield() != 0 }
}

/// Lets other tasks run before this one goes on.
pub async fn yield_async() {
    struct Yield(bool);
    impl Future for Yield {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 {
                return Poll::Ready(());
            }
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
    Yield(false).await
}

/// Asks the caller to hold new calls of this component's async exports, until
/// as many `backpressure_dec` calls.
pub fn backpressure_inc() {
    unsafe { builtins::backpressure_inc() }
}

/// Undoes one `backpressure_inc`.
pub fn backpressure_dec() {
    unsafe { builtins::backpressure_dec() }
}

/// Asks the caller to hold new calls of this component's async exports (`true`) or lets them in again.
pub fn backpressure(on: bool) {
    unsafe {
        if on {
            builtins::backpressure_inc();
        } else {
            builtins::backpressure_dec();
        }
    }
}

/// Waits for the next event of a waitable; yields its payload.
struct WaitFor {
    waitable: u32,
    waiting: bool,
}

impl WaitFor {
    fn new(waitable: u32) -> WaitFor {
        WaitFor {
            waitable,
            waiting: false,
        }
    }

    /// Stops waiting; the payload of an event that had already arrived.
    fn stop(&mut self) -> Option<u32> {
        if !self.waiting {
            return None;
        }
        self.waiting = false;
        let task = current();
        if task.is_null() {
            unsafe { builtins::waitable_join(self.waitable, 0) };
            None
        } else {
            unsafe { (*task).stop_waiting(self.waitable) }
        }
    }
}

impl Future for WaitFor {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        let waitable = self.waitable;
        let event = with_task(|t| {
            let event = t.events.borrow_mut().remove(&waitable);
            if event.is_none() {
                t.wait_for(waitable, cx.waker());
            }
            event
        });
        match event {
            Some(payload) => {
                self.waiting = false;
                Poll::Ready(payload)
            }
            None => {
                self.waiting = true;
                Poll::Pending
            }
        }
    }
}

impl Drop for WaitFor {
    fn drop(&mut self) {
        self.stop();
    }
}

/// An async import's subtask in flight; dropping it cancels the call.
struct Subtask(u32);

impl Drop for Subtask {
    fn drop(&mut self) {
        unsafe {
            builtins::subtask_cancel(self.0);
            builtins::subtask_drop(self.0);
        }
    }
}

/// Waits until the subtask that an async import's call started (`status`
/// is what the call returned) has returned its result.
pub async fn await_subtask(status: u32) {
    if status & 0xf == SUBTASK_RETURNED {
        return;
    }
    let subtask = Subtask(status >> 4);
    while WaitFor::new(subtask.0).await != SUBTASK_RETURNED {}
    let handle = subtask.0;
    mem::forget(subtask);
    unsafe { builtins::subtask_drop(handle) };
}

/// Memory for the values of one copy.
struct Buffer {
    ptr: *mut u8,
    layout: Layout,
}

// The allocation is the buffer's alone, as a `Box`'s is: futures and streams
// may be kept in statics (`Mutex<Option<FutureReader<T>>>`), as with wit-bindgen.
unsafe impl Send for Buffer {}

impl Buffer {
    fn new(element: Layout, count: usize) -> Buffer {
        let layout =
            Layout::from_size_align(element.size() * count, element.align()).unwrap();
        let ptr = if layout.size() == 0 {
            layout.align() as *mut u8
        } else {
            unsafe { alloc::alloc(layout) }
        };
        if ptr.is_null() {
            alloc::handle_alloc_error(layout);
        }
        Buffer { ptr, layout }
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        if self.layout.size() != 0 {
            unsafe { alloc::dealloc(self.ptr, self.layout) };
        }
    }
}

/// A copy in progress: its buffer, and the wait for it to finish.
struct Copy {
    buffer: Buffer,
    wait: WaitFor,
}

impl Copy {
    /// Starts a copy with `start`; the code it finished with, or `None` when it waits.
    fn start(
        buffer: Buffer,
        handle: u32,
        start: impl FnOnce(*mut u8) -> u32,
    ) -> (Copy, Option<u32>) {
        let code = start(buffer.ptr);
        let copy = Copy {
            buffer,
            wait: WaitFor::new(handle),
        };
        (copy, if code == BLOCKED { None } else { Some(code) })
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<u32> {
        Pin::new(&mut self.wait).poll(cx)
    }

    /// Stops a copy in flight; the code it finished with.
    fn cancel(&mut self, cancel: unsafe extern "C" fn(u32) -> u32) -> u32 {
        match self.wait.stop() {
            Some(code) => code,
            None => unsafe { cancel(self.wait.waitable) },
        }
    }
}

/// The built-ins and the lowering of the values of `future<T>`.
pub struct FutureVtable<T> {
    pub layout: Layout,
    pub lower: unsafe fn(T, *mut u8),
    pub lift: unsafe fn(*mut u8) -> T,
    pub dealloc_lists: unsafe fn(*mut u8),
    pub new: unsafe extern "C" fn() -> u64,
    pub start_read: unsafe extern "C" fn(u32, *mut u8) -> u32,
    pub start_write: unsafe extern "C" fn(u32, *mut u8) -> u32,
    pub cancel_read: unsafe extern "C" fn(u32) -> u32,
    pub cancel_write: unsafe extern "C" fn(u32) -> u32,
    pub drop_readable: unsafe extern "C" fn(u32),
    pub drop_writable: unsafe extern "C" fn(u32),
}

/// Creates a future: its writable and readable ends.
pub unsafe fn future_new<T>(
    default: fn() -> T,
    vtable: &'static FutureVtable<T>,
) -> (FutureWriter<T>, FutureReader<T>) {
    let handles = (vtable.new)();
    let writer = FutureWriter {
        handle: (handles >> 32) as u32,
        vtable,
        default,
    };
    (writer, FutureReader::new(handles as u32, vtable))
}

/// The readable end of a `future<T>`: awaiting it yields the value.
pub struct FutureReader<T: 'static> {
    handle: Cell<u32>,
    vtable: &'static FutureVtable<T>,
    copy: Option<Copy>,
}

impl<T> FutureReader<T> {
    /// Takes ownership of the readable end `handle`.
    pub unsafe fn new(handle: u32, vtable: &'static FutureVtable<T>) -> Self {
        FutureReader {
            handle: Cell::new(handle),
            vtable,
            copy: None,
        }
    }

    pub fn handle(&self) -> u32 {
        self.handle.get()
    }

    /// Gives up the handle, which is then no longer dropped with this value.
    pub fn take_handle(&self) -> u32 {
        assert!(
            self.copy.is_none(),
            "a future being read cannot be passed on"
        );
        self.handle.replace(u32::MAX)
    }

    fn finish(&mut self, code: u32, buffer: &Buffer) -> T {
        assert!(
            code & 0xf == COPY_COMPLETED,
            "the writer of a future was dropped without a value"
        );
        let value = unsafe { (self.vtable.lift)(buffer.ptr) };
        unsafe { (self.vtable.drop_readable)(self.handle.replace(u32::MAX)) };
        value
    }
}

impl<T> Future for FutureReader<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        let code = match &mut this.copy {
            Some(copy) => match copy.poll(cx) {
                Poll::Ready(code) => code,
                Poll::Pending => return Poll::Pending,
            },
            None => {
                let handle = this.handle.get();
                assert!(
                    handle != u32::MAX,
                    "a future was read after its value was taken"
                );
                let start = this.vtable.start_read;
                let buffer = Buffer::new(this.vtable.layout, 1);
                let (mut copy, code) =
                    Copy::start(buffer, handle, |ptr| unsafe { start(handle, ptr) });
                match code {
                    Some(code) => {
                        return Poll::Ready(this.finish(code, &copy.buffer));
                    }
                    None => {
                        let poll = copy.poll(cx);
                        this.copy = Some(copy);
                        match poll {
                            Poll::Ready(code) => code,
                            Poll::Pending => return Poll::Pending,
                        }
                    }
                }
            }
        };
        let copy = this.copy.take().unwrap();
        Poll::Ready(this.finish(code, &copy.buffer))
    }
}

impl<T> Drop for FutureReader<T> {
    fn drop(&mut self) {
        if let Some(mut copy) = self.copy.take() {
            let code = copy.cancel(self.vtable.cancel_read);
            if code & 0xf == COPY_COMPLETED {
                drop(unsafe { (self.vtable.lift)(copy.buffer.ptr) });
            }
        }
        let handle = self.handle.replace(u32::MAX);
        if handle != u32::MAX {
            unsafe { (self.vtable.drop_readable)(handle) };
        }
    }
}

impl<T> core::fmt::Debug for FutureReader<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FutureReader")
            .field("handle", &self.handle.get())
            .finish()
    }
}

/// The writable end of a `future<T>`. Dropped without a value written, it
/// writes the default value given to `wit_future::new`.
pub struct FutureWriter<T: 'static> {
    handle: u32,
    vtable: &'static FutureVtable<T>,
    default: fn() -> T,
}

/// The value of a future whose reader was dropped before reading it.
pub struct FutureWriteError<T> {
    pub value: T,
}

impl<T> core::fmt::Debug for FutureWriteError<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("FutureWriteError")
    }
}

impl<T> FutureWriter<T> {
    pub fn handle(&self) -> u32 {
        self.handle
    }

    /// Writes the value; fails, giving it back, when the reader was dropped.
    pub fn write(mut self, value: T) -> FutureWrite<T> {
        let handle = mem::replace(&mut self.handle, u32::MAX);
        FutureWrite::new(handle, self.vtable, self.default, value)
    }
}

impl<T> Drop for FutureWriter<T> {
    fn drop(&mut self) {
        if self.handle == u32::MAX {
            return;
        }
        let write = FutureWrite::new(self.handle, self.vtable, self.default, (self.default)());
        if current().is_null() {
            let _ = block_on(write);
        } else {
            spawn(async move {
                let _ = write.await;
            });
        }
    }
}

impl<T> core::fmt::Debug for FutureWriter<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FutureWriter")
            .field("handle", &self.handle)
            .finish()
    }
}

/// A write of a future's value in progress.
pub struct FutureWrite<T: 'static> {
    handle: u32,
    vtable: &'static FutureVtable<T>,
    default: fn() -> T,
    buffer: Option<Buffer>,
    copy: Option<Copy>,
    _value: PhantomData<fn() -> T>,
}

/// What cancelling a future's write found.
pub enum FutureWriteCancel<T: 'static> {
    /// The reader had taken the value already.
    AlreadySent,
    /// The reader was dropped: the value is back.
    Dropped(T),
    /// The write was stopped before the reader took the value: it is back, and
    /// so is the writer, to write again later.
    Cancelled(T, FutureWriter<T>),
}

impl<T> FutureWrite<T> {
    fn new(
        handle: u32,
        vtable: &'static FutureVtable<T>,
        default: fn() -> T,
        value: T,
    ) -> Self {
        let buffer = Buffer::new(vtable.layout, 1);
        unsafe { (vtable.lower)(value, buffer.ptr) };
        FutureWrite {
            handle,
            vtable,
            default,
            buffer: Some(buffer),
            copy: None,
            _value: PhantomData,
        }
    }

    /// Stops the write, unless it finished already.
    pub fn cancel(self: Pin<&mut Self>) -> FutureWriteCancel<T> {
        let this = self.get_mut();
        let code = if let Some(buffer) = this.buffer.take() {
            let value = unsafe { (this.vtable.lift)(buffer.ptr) };
            let handle = mem::replace(&mut this.handle, u32::MAX);
            let writer = FutureWriter {
                handle,
                vtable: this.vtable,
                default: this.default,
            };
            return FutureWriteCancel::Cancelled(value, writer);
        } else if let Some(copy) = this.copy.as_mut() {
            copy.cancel(this.vtable.cancel_write)
        } else {
            return FutureWriteCancel::AlreadySent;
        };
        let copy = this.copy.take().unwrap();
        match code & 0xf {
            COPY_COMPLETED => {
                unsafe { (this.vtable.dealloc_lists)(copy.buffer.ptr) };
                unsafe {
                    (this.vtable.drop_writable)(mem::replace(&mut this.handle, u32::MAX))
                };
                FutureWriteCancel::AlreadySent
            }
            COPY_DROPPED => {
                let value = unsafe { (this.vtable.lift)(copy.buffer.ptr) };
                unsafe {
                    (this.vtable.drop_writable)(mem::replace(&mut this.handle, u32::MAX))
                };
                FutureWriteCancel::Dropped(value)
            }
            _ => {
                let value = unsafe { (this.vtable.lift)(copy.buffer.ptr) };
                let handle = mem::replace(&mut this.handle, u32::MAX);
                let writer = FutureWriter {
                    handle,
                    vtable: this.vtable,
                    default: this.default,
                };
                FutureWriteCancel::Cancelled(value, writer)
            }
        }
    }

    fn finish(&mut self, code: u32, buffer: &Buffer) -> Result<(), FutureWriteError<T>> {
        let result = if code & 0xf == COPY_COMPLETED {
            unsafe { (self.vtable.dealloc_lists)(buffer.ptr) };
            Ok(())
        } else {
            Err(FutureWriteError {
                value: unsafe { (self.vtable.lift)(buffer.ptr) },
            })
        };
        unsafe { (self.vtable.drop_writable)(mem::replace(&mut self.handle, u32::MAX)) };
        result
    }
}

impl<T> Future for FutureWrite<T> {
    type Output = Result<(), FutureWriteError<T>>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(buffer) = this.buffer.take() {
            let handle = this.handle;
            let start = this.vtable.start_write;
            let (copy, code) =
                Copy::start(buffer, handle, |ptr| unsafe { start(handle, ptr) });
            if let Some(code) = code {
                return Poll::Ready(this.finish(code, &copy.buffer));
            }
            this.copy = Some(copy);
        }
        let copy = this
            .copy
            .as_mut()
            .expect("a future's write polled after it finished");
        match copy.poll(cx) {
            Poll::Ready(code) => {
                let copy = this.copy.take().unwrap();
                Poll::Ready(this.finish(code, &copy.buffer))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Drop for FutureWrite<T> {
    fn drop(&mut self) {
        if let Some(buffer) = self.buffer.take() {
            drop(unsafe { (self.vtable.lift)(buffer.ptr) });
        }
        if let Some(mut copy) = self.copy.take() {
            let code = copy.cancel(self.vtable.cancel_write);
            if code & 0xf == COPY_COMPLETED {
                unsafe { (self.vtable.dealloc_lists)(copy.buffer.ptr) };
            } else {
                drop(unsafe { (self.vtable.lift)(copy.buffer.ptr) });
            }
        }
        if self.handle != u32::MAX {
            unsafe { (self.vtable.drop_writable)(self.handle) };
        }
    }
}

/// The built-ins and the lowering of the values of `stream<T>`.
pub struct StreamVtable<T> {
    pub layout: Layout,
    pub lower: unsafe fn(T, *mut u8),
    pub lift: unsafe fn(*mut u8) -> T,
    pub dealloc_lists: unsafe fn(*mut u8),
    pub new: unsafe extern "C" fn() -> u64,
    pub start_read: unsafe extern "C" fn(u32, *mut u8, usize) -> u32,
    pub start_write: unsafe extern "C" fn(u32, *mut u8, usize) -> u32,
    pub cancel_read: unsafe extern "C" fn(u32) -> u32,
    pub cancel_write: unsafe extern "C" fn(u32) -> u32,
    pub drop_readable: unsafe extern "C" fn(u32),
    pub drop_writable: unsafe extern "C" fn(u32),
}

/// How a stream read or write ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamResult {
    /// This many values were copied.
    Complete(usize),
    /// The other end was dropped; nothing more will be copied.
    Dropped,
    /// The copy was cancelled before any value was copied.
    Cancelled,
}

fn stream_result(code: u32) -> StreamResult {
    let count = (code >> 4) as usize;
    match code & 0xf {
        _ if count > 0 => StreamResult::Complete(count),
        COPY_DROPPED => StreamResult::Dropped,
        COPY_CANCELLED => StreamResult::Cancelled,
        _ => StreamResult::Complete(0),
    }
}

/// Creates a stream: its writable and readable ends.
pub unsafe fn stream_new<T>(
    vtable: &'static StreamVtable<T>,
) -> (StreamWriter<T>, StreamReader<T>) {
    let handles = (vtable.new)();
    (
        StreamWriter::new((handles >> 32) as u32, vtable),
        StreamReader::new(handles as u32, vtable),
    )
}

/// The readable end of a `stream<T>`.
pub struct StreamReader<T: 'static> {
    handle: Cell<u32>,
    vtable: &'static StreamVtable<T>,
    dropped: bool,
}

impl<T> StreamReader<T> {
    /// Takes ownership of the readable end `handle`.
    pub unsafe fn new(handle: u32, vtable: &'static StreamVtable<T>) -> Self {
        StreamReader {
            handle: Cell::new(handle),
            vtable,
            dropped: false,
        }
    }

    pub fn handle(&self) -> u32 {
        self.handle.get()
    }

    /// Gives up the handle, which is then no longer dropped with this value.
    pub fn take_handle(&self) -> u32 {
        self.handle.replace(u32::MAX)
    }

    /// Reads values into the spare capacity of `buf`; yields how the read ended and `buf`.
    pub fn read(&mut self, buf: Vec<T>) -> StreamRead<'_, T> {
        StreamRead {
            reader: self,
            buf: Some(buf),
            copy: None,
        }
    }

    /// The next value, or `None` once the writer is dropped.
    pub async fn next(&mut self) -> Option<T> {
        loop {
            let (result, mut values) = self.read(Vec::with_capacity(1)).await;
            match result {
                StreamResult::Complete(0) => continue,
                StreamResult::Complete(_) => return values.pop(),
                _ => return None,
            }
        }
    }

    /// Every value until the writer is dropped.
    pub async fn collect(mut self) -> Vec<T> {
        let mut values = Vec::new();
        loop {
            if values.len() == values.capacity() {
                values.reserve(64);
            }
            let (result, read) = self.read(values).await;
            values = read;
            if let StreamResult::Dropped | StreamResult::Cancelled = result {
                return values;
            }
        }
    }
}

impl<T> Drop for StreamReader<T> {
    fn drop(&mut self) {
        let handle = self.handle.replace(u32::MAX);
        if handle != u32::MAX {
            unsafe { (self.vtable.drop_readable)(handle) };
        }
    }
}

impl<T> core::fmt::Debug for StreamReader<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StreamReader")
            .field("handle", &self.handle.get())
            .finish()
    }
}

/// A read of a stream in progress.
pub struct StreamRead<'a, T: 'static> {
    reader: &'a mut StreamReader<T>,
    buf: Option<Vec<T>>,
    copy: Option<Copy>,
}

impl<T> Unpin for StreamRead<'_, T> {}

impl<T> StreamRead<'_, T> {
    fn finish(&mut self, code: u32, buffer: &Buffer) -> (StreamResult, Vec<T>) {
        let mut buf = self.buf.take().unwrap();
        let size = self.reader.vtable.layout.size();
        for i in 0..(code >> 4) as usize {
            buf.push(unsafe { (self.reader.vtable.lift)(buffer.ptr.add(i * size)) });
        }
        if code & 0xf == COPY_DROPPED {
            self.reader.dropped = true;
        }
        (stream_result(code), buf)
    }
}

impl<T> Future for StreamRead<'_, T> {
    type Output = (StreamResult, Vec<T>);
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.copy.is_none() {
            if this.reader.dropped {
                return Poll::Ready((StreamResult::Dropped, this.buf.take().unwrap()));
            }
            let buf = this
                .buf
                .as_ref()
                .expect("a stream's read polled after it finished");
            let count = buf.capacity() - buf.len();
            let handle = this.reader.handle.get();
            let start = this.reader.vtable.start_read;
            let buffer = Buffer::new(this.reader.vtable.layout, count);
            let (copy, code) =
                Copy::start(buffer, handle, |ptr| unsafe { start(handle, ptr, count) });
            if let Some(code) = code {
                return Poll::Ready(this.finish(code, &copy.buffer));
            }
            this.copy = Some(copy);
        }
        match this.copy.as_mut().unwrap().poll(cx) {
            Poll::Ready(code) => {
                let copy = this.copy.take().unwrap();
                Poll::Ready(this.finish(code, &copy.buffer))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> StreamRead<'_, T> {
    /// Stops the read: how it ended and the buffer, with what was read before it stopped.
    pub fn cancel(self: Pin<&mut Self>) -> (StreamResult, Vec<T>) {
        let this = self.get_mut();
        match this.copy.take() {
            Some(mut copy) => {
                let code = copy.cancel(this.reader.vtable.cancel_read);
                this.finish(code, &copy.buffer)
            }
            None => {
                let buf = this.buf.take().expect("a stream's read cancelled after it finished");
                (StreamResult::Cancelled, buf)
            }
        }
    }
}

impl<T> Drop for StreamRead<'_, T> {
    fn drop(&mut self) {
        if let Some(mut copy) = self.copy.take() {
            let code = copy.cancel(self.reader.vtable.cancel_read);
            drop(self.finish(code, &copy.buffer));
        }
    }
}

/// The writable end of a `stream<T>`.
pub struct StreamWriter<T: 'static> {
    handle: u32,
    vtable: &'static StreamVtable<T>,
    dropped: bool,
}

impl<T> StreamWriter<T> {
    /// Takes ownership of the writable end `handle`.
    pub unsafe fn new(handle: u32, vtable: &'static StreamVtable<T>) -> Self {
        StreamWriter {
            handle,
            vtable,
            dropped: false,
        }
    }

    pub fn handle(&self) -> u32 {
        self.handle
    }

    /// Writes as many of `values` as the reader takes at once; yields how the write ended and the values not written.
    pub fn write(&mut self, values: Vec<T>) -> StreamWrite<'_, T> {
        self.write_buf(AbiBuffer { values })
    }

    /// `write`, of the values left in a buffer an earlier write gave back.
    pub fn write_buf(&mut self, values: AbiBuffer<T>) -> StreamWrite<'_, T> {
        let values = values.values;
        let count = values.len();
        let size = self.vtable.layout.size();
        let buffer = Buffer::new(self.vtable.layout, count);
        for (i, value) in values.into_iter().enumerate() {
            unsafe { (self.vtable.lower)(value, buffer.ptr.add(i * size)) };
        }
        StreamWrite {
            writer: self,
            buffer: Some((buffer, count)),
            copy: None,
        }
    }

    /// Writes every value unless the reader is dropped; yields the values not written.
    pub async fn write_all(&mut self, mut values: Vec<T>) -> Vec<T> {
        while !values.is_empty() {
            let (result, rest) = self.write(values).await;
            values = rest.into_vec();
            if let StreamResult::Dropped | StreamResult::Cancelled = result {
                break;
            }
        }
        values
    }

    /// Writes one value; gives it back when the reader is dropped.
    pub async fn write_one(&mut self, value: T) -> Option<T> {
        let mut values = Vec::with_capacity(1);
        values.push(value);
        self.write_all(values).await.pop()
    }
}

impl<T> Drop for StreamWriter<T> {
    fn drop(&mut self) {
        unsafe { (self.vtable.drop_writable)(self.handle) };
    }
}

impl<T> core::fmt::Debug for StreamWriter<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StreamWriter")
            .field("handle", &self.handle)
            .finish()
    }
}

/// The values of a stream's write that the reader did not take.
pub struct AbiBuffer<T> {
    values: Vec<T>,
}

impl<T> AbiBuffer<T> {
    /// How many values are left.
    pub fn remaining(&self) -> usize {
        self.values.len()
    }

    /// The values left, in order.
    pub fn into_vec(self) -> Vec<T> {
        self.values
    }
}

impl<T> core::fmt::Debug for AbiBuffer<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AbiBuffer")
            .field("remaining", &self.values.len())
            .finish()
    }
}

/// A write to a stream in progress.
pub struct StreamWrite<'a, T: 'static> {
    writer: &'a mut StreamWriter<T>,
    buffer: Option<(Buffer, usize)>,
    copy: Option<(Copy, usize)>,
}

impl<T> StreamWrite<'_, T> {
    fn finish(
        &mut self,
        code: u32,
        buffer: &Buffer,
        count: usize,
    ) -> (StreamResult, AbiBuffer<T>) {
        let vtable = self.writer.vtable;
        let size = vtable.layout.size();
        let written = (code >> 4) as usize;
        for i in 0..written {
            unsafe { (vtable.dealloc_lists)(buffer.ptr.add(i * size)) };
        }
        let rest = (written..count)
            .map(|i| unsafe { (vtable.lift)(buffer.ptr.add(i * size)) })
            .collect();
        if code & 0xf == COPY_DROPPED {
            self.writer.dropped = true;
        }
        (stream_result(code), AbiBuffer { values: rest })
    }

    /// Stops the write: how it ended and the values the reader did not take.
    pub fn cancel(self: Pin<&mut Self>) -> (StreamResult, AbiBuffer<T>) {
        let this = self.get_mut();
        if let Some((buffer, count)) = this.buffer.take() {
            return this.finish(COPY_CANCELLED, &buffer, count);
        }
        let (mut copy, count) = this
            .copy
            .take()
            .expect("a stream's write cancelled after it finished");
        let code = copy.cancel(this.writer.vtable.cancel_write);
        this.finish(code, &copy.buffer, count)
    }
}

impl<T> Future for StreamWrite<'_, T> {
    type Output = (StreamResult, AbiBuffer<T>);
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some((buffer, count)) = this.buffer.take() {
            if this.writer.dropped {
                return Poll::Ready(this.finish(COPY_DROPPED, &buffer, count));
            }
            let handle = this.writer.handle;
            let start = this.writer.vtable.start_write;
            let (copy, code) =
                Copy::start(buffer, handle, |ptr| unsafe { start(handle, ptr, count) });
            if let Some(code) = code {
                return Poll::Ready(this.finish(code, &copy.buffer, count));
            }
            this.copy = Some((copy, count));
        }
        let (copy, _) = this
            .copy
            .as_mut()
            .expect("a stream's write polled after it finished");
        match copy.poll(cx) {
            Poll::Ready(code) => {
                let (copy, count) = this.copy.take().unwrap();
                Poll::Ready(this.finish(code, &copy.buffer, count))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Drop for StreamWrite<'_, T> {
    fn drop(&mut self) {
        if let Some((buffer, count)) = self.buffer.take() {
            drop(self.finish(COPY_CANCELLED, &buffer, count));
        }
        if let Some((mut copy, count)) = self.copy.take() {
            let code = copy.cancel(self.writer.vtable.cancel_write);
            drop(self.finish(code, &copy.buffer, count));
        }
    }
}

/// An `error-context`: a value that carries a debug message across components.
pub struct ErrorContext {
    handle: Cell<u32>,
}

impl ErrorContext {
    /// Takes ownership of the handle `handle`.
    pub unsafe fn from_handle(handle: u32) -> Self {
        ErrorContext {
            handle: Cell::new(handle),
        }
    }

    pub fn handle(&self) -> u32 {
        self.handle.get()
    }

    /// Gives up the handle, which is then no longer dropped with this value.
    pub fn take_handle(&self) -> u32 {
        self.handle.replace(u32::MAX)
    }

    /// Creates an error context with a debug message.
    pub fn new(debug_message: &str) -> Self {
        unsafe {
            let handle =
                builtins::error_context_new(debug_message.as_ptr(), debug_message.len());
            ErrorContext::from_handle(handle)
        }
    }

    /// The debug message, which the host may have changed or left empty.
    pub fn debug_message(&self) -> String {
        #[repr(align(4))]
        struct Ret([usize; 2]);
        let mut ret = Ret([0; 2]);
        unsafe {
            builtins::error_context_debug_message(self.handle(), ret.0.as_mut_ptr().cast());
            String::from_raw_parts(ret.0[0] as *mut u8, ret.0[1], ret.0[1])
        }
    }
}

impl core::fmt::Debug for ErrorContext {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ErrorContext")
            .field("debug_message", &self.debug_message())
            .finish()
    }
}

impl core::fmt::Display for ErrorContext {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.debug_message())
    }
}

impl std::error::Error for ErrorContext {}

impl Drop for ErrorContext {
    fn drop(&mut self) {
        if self.handle() != u32::MAX {
            unsafe { builtins::error_context_drop(self.handle()) };
        }
    }
}
