package matching

// idMap is an open-addressing hash map from uint64 keys to int32 slot
// indices: linear probing, Fibonacci hashing, deletion by backward shift (no
// tombstones), load factor at most 1/2, growth by doubling. It never iterates,
// so no hash order can leak into state or events. It allocates only when it
// grows.
type idMap struct {
	keys  []uint64
	vals  []int32 // -1 marks an empty slot
	shift uint    // 64 - log2(len(keys))
	n     int
	// aux, when counted, holds a second value per key (the owner index's
	// order count); it moves with its key.
	aux     []int32
	counted bool
}

const fib64 = 0x9E3779B97F4A7C15

func newIDMap(capacity int) idMap {
	size := 16
	for size < 2*capacity {
		size *= 2
	}
	var m idMap
	m.init(size)
	return m
}

func (m *idMap) init(size int) {
	m.keys = make([]uint64, size)
	m.vals = make([]int32, size)
	if m.counted {
		m.aux = make([]int32, size)
	}
	for i := range m.vals {
		m.vals[i] = -1
	}
	bits := uint(0)
	for 1<<bits < size {
		bits++
	}
	m.shift = 64 - bits
	m.n = 0
}

func (m *idMap) home(k uint64) int {
	return int((k * fib64) >> m.shift)
}

func (m *idMap) len() int { return m.n }

// get returns the value stored for k.
func (m *idMap) get(k uint64) (int32, bool) {
	mask := len(m.keys) - 1
	for i := m.home(k); ; i = (i + 1) & mask {
		v := m.vals[i]
		if v < 0 {
			return -1, false
		}
		if m.keys[i] == k {
			return v, true
		}
	}
}

// find returns the position of k, or -1.
func (m *idMap) find(k uint64) int {
	mask := len(m.keys) - 1
	for i := m.home(k); ; i = (i + 1) & mask {
		if m.vals[i] < 0 {
			return -1
		}
		if m.keys[i] == k {
			return i
		}
	}
}

// put stores k -> v; k must not be present. It returns k's position.
func (m *idMap) put(k uint64, v int32) int {
	if 2*(m.n+1) > len(m.keys) {
		m.grow()
	}
	mask := len(m.keys) - 1
	i := m.home(k)
	for m.vals[i] >= 0 {
		i = (i + 1) & mask
	}
	m.keys[i] = k
	m.vals[i] = v
	m.n++
	return i
}

// del removes k and reports whether it was present.
func (m *idMap) del(k uint64) bool {
	mask := len(m.keys) - 1
	i := m.home(k)
	for {
		if m.vals[i] < 0 {
			return false
		}
		if m.keys[i] == k {
			break
		}
		i = (i + 1) & mask
	}
	// Backward-shift deletion: move later members of the probe run into the
	// hole when their home slot is not cyclically within (hole, j].
	j := i
	for {
		j = (j + 1) & mask
		if m.vals[j] < 0 {
			break
		}
		h := m.home(m.keys[j])
		var stays bool
		if i <= j {
			stays = i < h && h <= j
		} else {
			stays = i < h || h <= j
		}
		if stays {
			continue
		}
		m.keys[i] = m.keys[j]
		m.vals[i] = m.vals[j]
		if m.counted {
			m.aux[i] = m.aux[j]
		}
		i = j
	}
	m.vals[i] = -1
	m.keys[i] = 0
	if m.counted {
		m.aux[i] = 0
	}
	m.n--
	return true
}

func (m *idMap) grow() {
	oldK, oldV, oldA := m.keys, m.vals, m.aux
	m.init(2 * len(oldK))
	for i, v := range oldV {
		if v >= 0 {
			j := m.put(oldK[i], v)
			if m.counted {
				m.aux[j] = oldA[i]
			}
		}
	}
}

// newCountedMap returns an idMap with a second value per key.
func newCountedMap(capacity int) idMap {
	size := 16
	for size < 2*capacity {
		size *= 2
	}
	m := idMap{counted: true}
	m.init(size)
	return m
}
