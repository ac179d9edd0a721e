using System.Collections;

namespace ImproveBot.Core.Digest;

/// <summary>
/// A read-only list with value equality and a readable <see cref="ToString"/>.
/// The digest records hold their lists as <see cref="IReadOnlyList{T}"/>; the builder fills them with this type
/// so that two digests built from equivalent input compare equal (records alone compare lists by reference),
/// and so that printing a digest shows every element, which the privacy tests rely on.
/// </summary>
internal sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    /// <summary>Copies <paramref name="items"/>; later changes to the source do not show through.</summary>
    public ValueList(IEnumerable<T> items) => _items = items.ToArray();

    /// <summary>An empty list.</summary>
    public static ValueList<T> Empty { get; } = new([]);

    public T this[int index] => _items[index];

    public int Count => _items.Length;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(ValueList<T>? other) =>
        other is not null && (ReferenceEquals(this, other) || _items.SequenceEqual(other._items));

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items) hash.Add(item);
        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}

/// <summary>Shorthand for building a <see cref="ValueList{T}"/> from a sequence.</summary>
internal static class ValueListExtensions
{
    /// <summary>Materialises the sequence into a value-equal, read-only list.</summary>
    public static ValueList<T> ToValueList<T>(this IEnumerable<T> items) => new(items);
}
